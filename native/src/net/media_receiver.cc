#include "net/media_receiver.h"

#include "media/clock.h"

namespace net {

std::vector<CompletedFrame> MediaReceiver::poll(int timeoutMs) {
  std::vector<CompletedFrame> frames;
  const int64_t deadlineUs = media::monotonicUs() + int64_t{timeoutMs} * 1000;
  int budget = kMaxDatagramsPerPoll;
  for (;;) {
    budget -= drain();
    reassembler_.takeCompleted(frames);
    if (!frames.empty() || budget <= 0) break;
    const int64_t remainingUs = deadlineUs - media::monotonicUs();
    if (remainingUs <= 0) break;
    // Round up so a sub-millisecond remainder still waits instead of spinning.
    if (!udp_.waitReadable(static_cast<int>((remainingUs + 999) / 1000))) break;
  }
  return frames;
}

// Reads everything queued (up to the poll budget) into the reassembler.
int MediaReceiver::drain() {
  int total = 0;
  while (total < kMaxDatagramsPerPoll) {
    const int n = udp_.receiveBatch();
    for (int i = 0; i < n; ++i) {
      // A truncated datagram is longer than any valid one: pass its full
      // length so the reassembler counts it malformed.
      const size_t bytes = udp_.truncated(i) ? UdpReceiver::kSlotBytes + 1 : udp_.datagramBytes(i);
      reassembler_.push(udp_.datagram(i), bytes);
    }
    total += n;
    if (n < UdpReceiver::kBatchPackets) break;
  }
  return total;
}

}  // namespace net
