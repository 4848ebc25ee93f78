#pragma once
// Sealed punktfunk/1 datagrams → complete frames, in order. Each datagram is
// authenticated and opened, its shard put in place; a block whose data shards
// are not all there is recovered with Reed-Solomon as soon as it holds enough
// shards. A frame is emitted the moment it is complete; frames before it that
// are still incomplete are given up (counted lost): a late frame is useless
// to a game stream, and waiting for it would delay every frame behind it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "net/aes_gcm.h"
#include "net/pf1_packet.h"
#include "net/reed_solomon.h"

namespace net {

struct ReassemblerOptions {
  std::vector<uint8_t> key;  // 16 or 32 bytes
  pf1::Salt salt{};
  // Injected loss, applied to datagrams before anything else (tests, FEC
  // experiments): each is dropped with this probability, from a seeded PRNG
  // so a run can be repeated exactly.
  double dropRate = 0;
  uint64_t dropSeed = 1;
  // Frames being assembled at once; a frame this far behind the newest one
  // seen is given up.
  int windowFrames = 16;
  size_t maxFrameBytes = 32u << 20;
};

struct CompletedFrame {
  uint32_t frameIndex = 0;
  bool keyframe = false;
  int64_t captureStartUs = 0;
  bool recoveredByFec = false;
  int64_t receivedMonoUs = 0;  // steady clock when the frame became complete
  std::vector<uint8_t> data;   // the access unit, padding trimmed
};

struct ReceiverCounters {
  uint64_t datagrams = 0;     // handed to push()
  uint64_t dropped = 0;       // by the injected loss
  uint64_t authFailures = 0;  // tag did not verify: wrong key, tampered, garbage
  uint64_t malformed = 0;     // wrong size or header, or inconsistent with its frame
  uint64_t duplicates = 0;    // a shard already held, or of a block already complete
  uint64_t late = 0;          // for a frame already emitted or given up
  uint64_t framesCompleted = 0;
  uint64_t framesLost = 0;  // frame indices skipped between emitted frames
  uint64_t fecRecoveredFrames = 0;
};

class Pf1Reassembler {
 public:
  explicit Pf1Reassembler(const ReassemblerOptions& options);

  // Never throws on bad input: every datagram is counted somewhere.
  void push(const uint8_t* datagram, size_t bytes);
  // Moves the frames completed since the last call to the end of `out`.
  void takeCompleted(std::vector<CompletedFrame>& out);
  const ReceiverCounters& counters() const { return counters_; }

 private:
  struct Block {
    int dataShards = 0;
    int parityShards = -1;  // -1 until the block's first datagram
    int dataReceived = 0;
    int shardsReceived = 0;
    bool complete = false;
    std::array<bool, pf1::kMaxShardsPerBlock> have{};
    std::vector<uint8_t> parity;  // parityShards x shardBytes
  };
  struct Frame {
    bool active = false;
    uint32_t frameIndex = 0;
    uint32_t frameBytes = 0;
    size_t shardBytes = 0;
    bool keyframe = false;
    int64_t captureStartUs = 0;
    bool recovered = false;
    int blocksComplete = 0;
    pf1::BlockLayout layout;
    std::vector<uint8_t> data;  // all data shards, padding included
    std::vector<Block> blocks;
  };

  bool dropInjected();
  void accept(const pf1::Header& h, const uint8_t* shard, size_t shardBytes);
  Frame* frameFor(const pf1::Header& h, size_t shardBytes);
  bool startFrame(Frame& frame, const pf1::Header& h, size_t shardBytes);
  bool storeShard(Frame& frame, const pf1::Header& h, const uint8_t* shard);
  bool recover(Frame& frame, int blockIndex);
  void completeFrame(Frame& frame);
  ReedSolomon& codeFor(int dataShards, int parityShards);

  AesGcm cipher_;
  pf1::Salt salt_;
  double dropRate_;
  uint64_t prngState_;
  size_t maxFrameBytes_;
  std::vector<Frame> frames_;  // windowFrames slots, by frameIndex % windowFrames
  bool started_ = false;
  uint32_t lastEmitted_ = 0;
  uint32_t newestSeen_ = 0;
  std::vector<uint8_t> plaintext_;
  std::vector<uint8_t*> shardPointers_;
  std::array<bool, pf1::kMaxShardsPerBlock> present_{};
  std::unordered_map<int, std::unique_ptr<ReedSolomon>> codes_;
  std::vector<CompletedFrame> completed_;
  ReceiverCounters counters_;
};

}  // namespace net
