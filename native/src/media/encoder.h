#pragma once
// Video encoder over libavcodec. One code path for every backend: NVENC
// (h264_nvenc / hevc_nvenc / av1_nvenc) and software (libx264 / libx265 /
// libsvtav1) differ only in the encoder name, pixel format and a few private
// options (one table per encoder family in encoder.cc).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "media/av_frame.h"
#include "media/codec_census.h"

namespace media {

struct EncoderOptions {
  std::string codec = "h264";    // h264 | hevc | av1
  std::string backend = "auto";  // auto | nvenc | software
  int width = 0;
  int height = 0;
  int fps = 60;
  int bitrateKbps = 10000;
  std::string preset;  // empty: the backend's low-latency default
  int threads = 0;     // 0: the encoder decides
  // YUV 4:4:4 (yuv444p; H.264 High 4:4:4 Predictive, HEVC Main 4:4:4 / RExt):
  // full-resolution chroma for sharp coloured text. false: 4:2:0.
  bool yuv444 = false;
  // Extra "key=value:key=value" for the software encoder's own parameter
  // string (x264-params, x265-params, svtav1-params), applied after ours;
  // benchmarks compare settings with it. Ignored by NVENC.
  std::string codecParams;
};

struct EncoderInfo {
  std::string encoderName;     // e.g. libx264
  std::string backend;         // nvenc | software
  std::string fallbackReason;  // why a preferred encoder was not used; empty if none
  AVPixelFormat pixelFormat = AV_PIX_FMT_NONE;
};

// One encoded access unit in Annex B, owned here and handed on without copying.
struct EncodedPacket {
  EncodedPacket() { noteEncodedPacketCreated(); }
  ~EncodedPacket() { noteEncodedPacketReleased(); }
  EncodedPacket(const EncodedPacket&) = delete;
  EncodedPacket& operator=(const EncodedPacket&) = delete;

  AvPacketPtr packet;
  bool keyframe = false;
  int64_t pts = 0;
  const uint8_t* data() const { return packet->data; }
  size_t size() const { return static_cast<size_t>(packet->size); }
};

struct CollectResult {
  std::shared_ptr<EncodedPacket> packet;  // null: nothing ready yet
  int64_t encodeUs = 0;
};

class Encoder {
 public:
  explicit Encoder(const EncoderOptions& options);
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Hands a frame to the encoder; returns the call's duration in µs.
  // With libx264 the compression itself happens inside this call.
  int64_t submit(const AVFrame* frame, bool forceIdr);
  // Takes one finished packet, if any; `encodeUs` is the wait for it.
  CollectResult collect();
  // Signals end of stream; collect() then drains what is left.
  void flush();
  // Applies from the next submitted frame (where the encoder reconfigures live).
  void setBitrateKbps(int bitrateKbps);
  int bitrateKbps() const { return bitrateKbps_; }
  const EncoderInfo& info() const { return info_; }

 private:
  struct Candidate {
    std::string name;
    std::string backend;
  };
  std::vector<Candidate> candidatesFor(const EncoderOptions& options) const;
  AvCodecContextPtr open(const Candidate& candidate, const EncoderOptions& options);
  // A fresh context for the same encoder: its first frame is a keyframe.
  void reopen();
  // Ends the context's stream and drops what it still holds.
  void drainAndClose();
  void sendBlankFrame();

  AvCodecContextPtr context_;
  EncoderOptions options_;
  Candidate opened_;
  // SVT-AV1 (1.4 through FFmpeg 5.1) ignores forced keyframes: an IDR
  // request reopens it, and its first frame is a keyframe. It also holds
  // three frames in its low-delay pipeline, so a frame's packet comes out of
  // collect() three submits later (BENCHMARKS.md, "AV1").
  bool reopensForKeyframe_ = false;
  // Frames given to this context: SVT-AV1 never ends a stream that had none.
  int64_t framesSinceOpen_ = 0;
  AvFramePtr submitView_;  // a reference to the caller's frame with our pts/type
  EncoderInfo info_;
  int fps_;
  int bitrateKbps_;
  int64_t nextPts_ = 0;
};

}  // namespace media
