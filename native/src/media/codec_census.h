#pragma once
// Counts codec contexts open and encoded packets alive in the whole process,
// so tests can prove that create/destroy loops, worker exits and streaming
// loops leave none behind. Diagnostic counters only: atomic, never read by
// the hot path.
namespace media {

int openCodecContextCount();
void noteCodecContextOpened();
void noteCodecContextClosed();

int liveEncodedPacketCount();
void noteEncodedPacketCreated();
void noteEncodedPacketReleased();

}  // namespace media
