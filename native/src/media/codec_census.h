#pragma once
// Counts codec contexts open in the whole process, so tests can prove that
// create/destroy loops and worker exits leave none behind. A diagnostic
// counter only: atomic, never read by the hot path.
namespace media {

int openCodecContextCount();
void noteCodecContextOpened();
void noteCodecContextClosed();

}  // namespace media
