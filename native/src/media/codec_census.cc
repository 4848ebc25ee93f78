#include "media/codec_census.h"

#include <atomic>

namespace media {
namespace {
// Process-wide on purpose: the question is "did any thread leak one?".
std::atomic<int> gOpenCodecContexts{0};
std::atomic<int> gLiveEncodedPackets{0};
}  // namespace

int openCodecContextCount() { return gOpenCodecContexts.load(std::memory_order_relaxed); }
void noteCodecContextOpened() { gOpenCodecContexts.fetch_add(1, std::memory_order_relaxed); }
void noteCodecContextClosed() { gOpenCodecContexts.fetch_sub(1, std::memory_order_relaxed); }

int liveEncodedPacketCount() { return gLiveEncodedPackets.load(std::memory_order_relaxed); }
void noteEncodedPacketCreated() { gLiveEncodedPackets.fetch_add(1, std::memory_order_relaxed); }
void noteEncodedPacketReleased() { gLiveEncodedPackets.fetch_sub(1, std::memory_order_relaxed); }

}  // namespace media
