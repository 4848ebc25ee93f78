#pragma once
// The client's media receive path for one punktfunk/1 stream: recvmmsg
// batches (UdpReceiver) fed into the reassembler (Pf1Reassembler).
#include <vector>

#include "net/pf1_reassembler.h"
#include "net/udp_receiver.h"

namespace net {

struct MediaReceiverOptions {
  UdpReceiverOptions udp;
  ReassemblerOptions reassembly;
};

class MediaReceiver {
 public:
  // Datagrams read per poll() at most, so one call cannot starve its caller
  // under a flood; the rest stays queued in the socket for the next call.
  static constexpr int kMaxDatagramsPerPoll = 4096;

  explicit MediaReceiver(const MediaReceiverOptions& options)
      : udp_(options.udp), reassembler_(options.reassembly) {}

  // Reads and reassembles until at least one frame is complete or timeoutMs
  // has passed (0: only what is already queued). Frames come out in order.
  std::vector<CompletedFrame> poll(int timeoutMs);
  const ReceiverCounters& counters() const { return reassembler_.counters(); }
  int localPort() const { return udp_.localPort(); }

 private:
  int drain();

  UdpReceiver udp_;
  Pf1Reassembler reassembler_;
};

}  // namespace net
