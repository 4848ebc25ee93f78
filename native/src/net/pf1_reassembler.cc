#include "net/pf1_reassembler.h"

#include <cstring>

#include "media/clock.h"
#include "net/net_error.h"

namespace net {
namespace {

// Frame indices wrap at 2^32; compare them as serial numbers (RFC 1982).
int32_t serialDiff(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b); }

// Bounds the decoder cache; streams use a handful of (data, parity) shapes.
constexpr size_t kMaxCachedCodes = 64;

}  // namespace

Pf1Reassembler::Pf1Reassembler(const ReassemblerOptions& o)
    : cipher_(o.key.data(), o.key.size()),
      salt_(o.salt),
      dropRate_(o.dropRate),
      prngState_(o.dropSeed),
      maxFrameBytes_(o.maxFrameBytes),
      plaintext_(pf1::kMaxShardBytes) {
  if (!(o.dropRate >= 0 && o.dropRate <= 1) || o.windowFrames < 1 || o.windowFrames > 1024) {
    throw MediaError(media::code::kInvalidArgument,
                     "reassembler: dropRate must be 0..1, windowFrames 1..1024");
  }
  frames_.resize(static_cast<size_t>(o.windowFrames));
}

// splitmix64: tiny, seedable, and the same sequence on every platform.
bool Pf1Reassembler::dropInjected() {
  if (dropRate_ <= 0) return false;
  uint64_t z = (prngState_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53 < dropRate_;
}

void Pf1Reassembler::push(const uint8_t* datagram, size_t bytes) {
  ++counters_.datagrams;
  if (dropInjected()) {
    ++counters_.dropped;
    return;
  }
  if (bytes < pf1::kOverheadBytes + pf1::kMinShardBytes ||
      bytes > pf1::kOverheadBytes + pf1::kMaxShardBytes) {
    ++counters_.malformed;
    return;
  }
  const size_t shardBytes = bytes - pf1::kOverheadBytes;
  // Authenticate before reading anything else: the header is the AAD, so
  // after open() succeeds every field was written by the key's holder.
  const auto nonce = pf1::nonceFor(salt_, pf1::readSequence(datagram));
  const uint8_t* ciphertext = datagram + pf1::kHeaderBytes;
  if (!cipher_.open(nonce.data(), datagram, pf1::kHeaderBytes, ciphertext, shardBytes,
                    ciphertext + shardBytes, plaintext_.data())) {
    ++counters_.authFailures;
    return;
  }
  pf1::Header h;
  if (!pf1::parseHeader(datagram, &h)) {
    ++counters_.malformed;
    return;
  }
  accept(h, plaintext_.data(), shardBytes);
}

void Pf1Reassembler::accept(const pf1::Header& h, const uint8_t* shard, size_t shardBytes) {
  if (!started_) {
    started_ = true;
    lastEmitted_ = h.frameIndex - 1;  // the stream starts at the first frame seen
    newestSeen_ = h.frameIndex;
  }
  if (serialDiff(h.frameIndex, lastEmitted_) <= 0) {
    ++counters_.late;
    return;
  }
  if (serialDiff(h.frameIndex, newestSeen_) > 0) newestSeen_ = h.frameIndex;
  if (serialDiff(newestSeen_, h.frameIndex) >= static_cast<int32_t>(frames_.size())) {
    ++counters_.late;
    return;
  }
  Frame* frame = frameFor(h, shardBytes);
  if (frame == nullptr) {
    ++counters_.malformed;
    return;
  }
  Block& block = frame->blocks[h.blockIndex];
  if (block.complete || block.have[h.shardIndex]) {
    ++counters_.duplicates;
    return;
  }
  if (!storeShard(*frame, h, shard)) {
    ++counters_.malformed;
    return;
  }
  if (block.dataReceived == block.dataShards) {
    block.complete = true;
  } else if (block.shardsReceived >= block.dataShards && recover(*frame, h.blockIndex)) {
    block.complete = true;
    frame->recovered = true;
  }
  if (block.complete && ++frame->blocksComplete == frame->layout.blockCount) completeFrame(*frame);
}

// The slot for h's frame, started if new; nullptr if h contradicts it.
Pf1Reassembler::Frame* Pf1Reassembler::frameFor(const pf1::Header& h, size_t shardBytes) {
  Frame& frame = frames_[h.frameIndex % frames_.size()];
  if (frame.active && frame.frameIndex == h.frameIndex) {
    const bool consistent = frame.shardBytes == shardBytes && frame.frameBytes == h.frameBytes &&
                            frame.layout.blockCount == h.blockCount;
    return consistent ? &frame : nullptr;
  }
  // Free, or holding a frame a whole window behind the newest: given up.
  return startFrame(frame, h, shardBytes) ? &frame : nullptr;
}

bool Pf1Reassembler::startFrame(Frame& frame, const pf1::Header& h, size_t shardBytes) {
  if (h.frameBytes > maxFrameBytes_) return false;
  pf1::BlockLayout layout;
  layout.totalDataShards = static_cast<int>((h.frameBytes + shardBytes - 1) / shardBytes);
  layout.blockCount = h.blockCount;
  if (layout.blockCount > layout.totalDataShards ||
      layout.dataShards(0) > pf1::kMaxShardsPerBlock) {
    return false;
  }
  frame.active = true;
  frame.frameIndex = h.frameIndex;
  frame.frameBytes = h.frameBytes;
  frame.shardBytes = shardBytes;
  frame.keyframe = (h.flags & pf1::flag::kKeyframe) != 0;
  frame.captureStartUs = h.captureStartUs;
  frame.recovered = false;
  frame.blocksComplete = 0;
  frame.layout = layout;
  frame.data.resize(static_cast<size_t>(layout.totalDataShards) * shardBytes);
  frame.blocks.resize(static_cast<size_t>(layout.blockCount));
  for (int b = 0; b < layout.blockCount; ++b) {
    Block& block = frame.blocks[b];
    block.dataShards = layout.dataShards(b);
    block.parityShards = -1;
    block.dataReceived = block.shardsReceived = 0;
    block.complete = false;
    block.have.fill(false);
  }
  return true;
}

// Copies the shard into the frame (data) or its block (parity); false if the
// header disagrees with the block's shape.
bool Pf1Reassembler::storeShard(Frame& frame, const pf1::Header& h, const uint8_t* shard) {
  Block& block = frame.blocks[h.blockIndex];
  if (h.dataShards != block.dataShards) return false;
  if (block.parityShards < 0) {
    block.parityShards = h.parityShards;
    block.parity.resize(static_cast<size_t>(h.parityShards) * frame.shardBytes);
  } else if (h.parityShards != block.parityShards) {
    return false;
  }
  const size_t n = frame.shardBytes;
  if (h.shardIndex < block.dataShards) {
    const size_t shardIndex = frame.layout.firstDataShard(h.blockIndex) + h.shardIndex;
    std::memcpy(&frame.data[shardIndex * n], shard, n);
    ++block.dataReceived;
  } else {
    std::memcpy(&block.parity[(h.shardIndex - block.dataShards) * n], shard, n);
  }
  block.have[h.shardIndex] = true;
  ++block.shardsReceived;
  return true;
}

bool Pf1Reassembler::recover(Frame& frame, int blockIndex) {
  Block& block = frame.blocks[blockIndex];
  const int d = block.dataShards;
  const int p = block.parityShards;
  const size_t n = frame.shardBytes;
  shardPointers_.resize(static_cast<size_t>(d + p));
  const size_t first = frame.layout.firstDataShard(blockIndex);
  for (int i = 0; i < d; ++i) shardPointers_[i] = &frame.data[(first + i) * n];
  for (int j = 0; j < p; ++j) shardPointers_[d + j] = &block.parity[j * n];
  for (int s = 0; s < d + p; ++s) present_[s] = block.have[s];
  return codeFor(d, p).reconstruct(shardPointers_.data(), present_.data(), n);
}

void Pf1Reassembler::completeFrame(Frame& frame) {
  counters_.framesLost += static_cast<uint64_t>(serialDiff(frame.frameIndex, lastEmitted_) - 1);
  lastEmitted_ = frame.frameIndex;
  CompletedFrame out;
  out.frameIndex = frame.frameIndex;
  out.keyframe = frame.keyframe;
  out.captureStartUs = frame.captureStartUs;
  out.recoveredByFec = frame.recovered;
  out.receivedMonoUs = media::monotonicUs();
  frame.data.resize(frame.frameBytes);  // trims the padding; never reallocates
  out.data = std::move(frame.data);
  frame.data = std::vector<uint8_t>();
  frame.active = false;
  ++counters_.framesCompleted;
  if (out.recoveredByFec) ++counters_.fecRecoveredFrames;
  completed_.push_back(std::move(out));
}

ReedSolomon& Pf1Reassembler::codeFor(int dataShards, int parityShards) {
  const int key = dataShards * 256 + parityShards;
  auto found = codes_.find(key);
  if (found != codes_.end()) return *found->second;
  if (codes_.size() >= kMaxCachedCodes) codes_.clear();
  auto& code = codes_[key];
  code = std::make_unique<ReedSolomon>(dataShards, parityShards);
  return *code;
}

void Pf1Reassembler::takeCompleted(std::vector<CompletedFrame>& out) {
  for (auto& frame : completed_) out.push_back(std::move(frame));
  completed_.clear();
}

}  // namespace net
