#include "media/encoder.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <libavutil/opt.h>
}

#include "media/clock.h"
#include "media/codec_census.h"
#include "media/ffmpeg_log.h"
#include "media/media_error.h"

namespace media {
namespace {

// x264's "infinite" keyframe interval (X264_KEYINT_MAX_INFINITE): a stream
// gets IDRs only at its start and when a client asks (force-IDR).
constexpr int kInfiniteGop = 1 << 30;

void setOption(AVCodecContext* ctx, const char* key, const std::string& value) {
  av_opt_set(ctx->priv_data, key, value.c_str(), 0);
}

// Which encoder implements a codec on each backend. av1_nvenc is missing from
// FFmpeg before 6.0 (Debian 12 has 5.1): then "auto" falls back to SVT-AV1
// with the reason logged, as for an NVENC without a GPU.
struct CodecEncoders {
  const char* codec;
  const char* nvenc;
  const char* software;
};
constexpr CodecEncoders kCodecEncoders[] = {
    {"h264", "h264_nvenc", "libx264"},
    {"hevc", "hevc_nvenc", "libx265"},
    {"av1", "av1_nvenc", "libsvtav1"},
};

bool isNvenc(const std::string& encoderName) {
  return encoderName.find("nvenc") != std::string::npos;
}

// The libavcodec rate-control fields, shared by every encoder that reads them.
void applyRateControl(AVCodecContext* ctx, const std::string& encoderName, int bitrateKbps,
                      int fps) {
  const int64_t bitsPerSecond = static_cast<int64_t>(bitrateKbps) * 1000;
  ctx->bit_rate = bitsPerSecond;
  if (encoderName == "libsvtav1") {
    // SVT-AV1 refuses a maximum rate equal to the target and a buffer under
    // 20 ms; its CBR and buffer are set in svtav1-params instead.
    ctx->rc_max_rate = 0;
    ctx->rc_buffer_size = 0;
    return;
  }
  ctx->rc_max_rate = bitsPerSecond;
  // About one frame of VBV: a frame may not borrow bits from its neighbours,
  // so no frame is much larger than average and none waits in a queue.
  ctx->rc_buffer_size = static_cast<int>(bitsPerSecond / fps);
}

void applyNvencOptions(AVCodecContext* ctx, const std::string& preset) {
  setOption(ctx, "preset", preset.empty() ? "p1" : preset);
  setOption(ctx, "tune", "ull");
  setOption(ctx, "rc", "cbr");
  setOption(ctx, "zerolatency", "1");
  setOption(ctx, "delay", "0");
}

// x265's own parameters: the VBV spelled out, the same one-frame model as
// H.264 (libx265 reads rc_max_rate/rc_buffer_size too; here it is on the
// record), and strict-cbr, which holds the mean frame at the target (1.00 of
// it on the panning desktop scene, 0.87 without; the largest frame 1.06 either
// way). Threading stays zerolatency's: one frame thread, WPP rows on the
// pool; the alternatives measured are in BENCHMARKS.md ("HEVC and AV1").
std::string x265Params(int bitrateKbps, int fps) {
  const int bufferKbits = std::max(1, bitrateKbps / fps);
  return "log-level=error:strict-cbr=1:vbv-maxrate=" + std::to_string(bitrateKbps) +
         ":vbv-bufsize=" + std::to_string(bufferKbits) + ":vbv-init=0.9";
}

// SVT-AV1 for streaming: low-delay prediction (no frame waits for a later
// one), CBR with a buffer of two frames at 60 fps (it accepts no less than
// 20 ms), no lookahead or scene-change detection (they hold frames back),
// and keyframes only when asked (keyint infinite).
std::string svtAv1Params(int bitrateKbps) {
  return "pred-struct=1:rc=2:tbr=" + std::to_string(bitrateKbps) +
         ":lookahead=0:scd=0:buf-sz=33:buf-initial-sz=20:buf-optimal-sz=25";
}

std::string joinParams(const std::string& ours, const std::string& extra) {
  if (extra.empty()) return ours;
  return ours.empty() ? extra : ours + ":" + extra;
}

void applySoftwareOptions(AVCodecContext* ctx, const std::string& encoderName,
                          const EncoderOptions& options) {
  const std::string& preset = options.preset;
  if (encoderName == "libsvtav1") {
    // SVT-AV1 prints its banner and configuration to stdout unless told
    // otherwise (SVT_LOG 1: errors only); an operator's own setting wins.
    setenv("SVT_LOG", "1", 0);
    // Preset 12 of 13: the fastest that still has the real-time tools.
    setOption(ctx, "preset", preset.empty() ? "12" : preset);
    setOption(ctx, "svtav1-params",
              joinParams(svtAv1Params(options.bitrateKbps), options.codecParams));
    return;
  }
  // libx265 at superfast takes ~15 ms per 720p frame on two cores (measured:
  // 38-55 fps streaming to Moonlight); ultrafast keeps 60 fps. libx264 keeps
  // superfast, Sunshine's software default.
  const bool x265 = encoderName == "libx265";
  setOption(ctx, "preset", preset.empty() ? (x265 ? "ultrafast" : "superfast") : preset);
  setOption(ctx, "tune", "zerolatency");
  if (x265) {
    setOption(ctx, "x265-params",
              joinParams(x265Params(options.bitrateKbps, options.fps), options.codecParams));
  } else if (!options.codecParams.empty()) {
    setOption(ctx, "x264-params", options.codecParams);
  }
}

void applyPrivateOptions(AVCodecContext* ctx, const std::string& encoderName,
                         const EncoderOptions& options) {
  if (isNvenc(encoderName)) {
    applyNvencOptions(ctx, options.preset);
  } else {
    applySoftwareOptions(ctx, encoderName, options);
  }
  // A forced keyframe must be an IDR, or a client that lost sync cannot join.
  setOption(ctx, "forced-idr", "1");
}

// The pixel format and profile of a chroma choice: 4:2:0 is NV12 for NVENC
// (its native layout) and planar for the software encoders; 4:4:4 is planar
// for all, with the profile that carries it.
void applyChroma(AVCodecContext* ctx, const std::string& encoderName, bool nvenc, bool yuv444) {
  if (!yuv444) {
    ctx->pix_fmt = nvenc ? AV_PIX_FMT_NV12 : AV_PIX_FMT_YUV420P;
    return;
  }
  ctx->pix_fmt = AV_PIX_FMT_YUV444P;
  const bool hevc =
      encoderName.find("265") != std::string::npos || encoderName.find("hevc") != std::string::npos;
  if (nvenc) {
    setOption(ctx, "profile", hevc ? "rext" : "high444p");
  } else {
    setOption(ctx, "profile", hevc ? "main444-8" : "high444");
  }
}

}  // namespace

Encoder::Encoder(const EncoderOptions& options)
    : options_(options),
      submitView_(av_frame_alloc()),
      fps_(options.fps),
      bitrateKbps_(options.bitrateKbps) {
  if (!submitView_) throw MediaError(code::kOutOfMemory, "av_frame_alloc failed");
  std::string reasons;
  for (const Candidate& candidate : candidatesFor(options)) {
    FfmpegLogCapture log;
    try {
      context_ = open(candidate, options);
    } catch (const MediaError& e) {
      const std::string detail = log.text().empty() ? e.what() : log.text();
      if (!reasons.empty()) reasons += "; ";
      reasons += candidate.name + ": " + detail;
      continue;
    }
    opened_ = candidate;
    reopensForKeyframe_ = candidate.name == "libsvtav1";
    info_.encoderName = candidate.name;
    info_.backend = candidate.backend;
    info_.fallbackReason = reasons;
    info_.pixelFormat = context_->pix_fmt;
    noteCodecContextOpened();
    return;
  }
  throw MediaError(code::kEncoderUnavailable, "no " + options.codec + " encoder for backend '" +
                                                  options.backend + "' could be opened (" +
                                                  reasons + ")");
}

Encoder::~Encoder() {
  if (!context_) return;
  // SVT-AV1 complains (on stderr) when closed before the end of its stream.
  if (reopensForKeyframe_) {
    try {
      drainAndClose();
    } catch (const MediaError&) {
    }
  }
  noteCodecContextClosed();
}

void Encoder::drainAndClose() {
  // SVT-AV1 1.4 hangs in its deinit when it never had a frame (a probe that
  // only opens it): it gets one blank frame before the end of its stream.
  if (framesSinceOpen_ == 0) sendBlankFrame();
  if (avcodec_send_frame(context_.get(), nullptr) >= 0) {
    AvPacketPtr packet(av_packet_alloc());
    while (packet && avcodec_receive_packet(context_.get(), packet.get()) >= 0) {
      av_packet_unref(packet.get());
    }
  }
  context_.reset();
  framesSinceOpen_ = 0;
}

void Encoder::sendBlankFrame() {
  AvFramePtr blank(av_frame_alloc());
  if (!blank) return;
  blank->format = context_->pix_fmt;
  blank->width = context_->width;
  blank->height = context_->height;
  if (av_frame_get_buffer(blank.get(), 0) < 0) return;
  for (int plane = 0; plane < AV_NUM_DATA_POINTERS && blank->buf[plane]; ++plane) {
    memset(blank->buf[plane]->data, plane == 0 ? 16 : 128, blank->buf[plane]->size);
  }
  blank->pts = nextPts_;
  avcodec_send_frame(context_.get(), blank.get());
}

void Encoder::reopen() {
  options_.bitrateKbps = bitrateKbps_;
  drainAndClose();
  context_ = open(opened_, options_);
}

std::vector<Encoder::Candidate> Encoder::candidatesFor(const EncoderOptions& options) const {
  const CodecEncoders* encoders = nullptr;
  for (const CodecEncoders& entry : kCodecEncoders) {
    if (options.codec == entry.codec) encoders = &entry;
  }
  if (!encoders) throw MediaError(code::kInvalidArgument, "unknown codec '" + options.codec + "'");
  const Candidate nvenc{encoders->nvenc, "nvenc"};
  const Candidate software{encoders->software, "software"};
  if (options.backend == "nvenc") return {nvenc};
  if (options.backend == "software") return {software};
  if (options.backend == "auto") return {nvenc, software};
  throw MediaError(code::kInvalidArgument, "unknown backend '" + options.backend + "'");
}

AvCodecContextPtr Encoder::open(const Candidate& candidate, const EncoderOptions& options) {
  const AVCodec* codec = avcodec_find_encoder_by_name(candidate.name.c_str());
  if (!codec) throw MediaError(code::kEncoderUnavailable, "not built into this FFmpeg");
  AvCodecContextPtr ctx(avcodec_alloc_context3(codec));
  if (!ctx) throw MediaError(code::kOutOfMemory, "avcodec_alloc_context3 failed");
  ctx->width = options.width;
  ctx->height = options.height;
  ctx->time_base = AVRational{1, options.fps};
  ctx->framerate = AVRational{options.fps, 1};
  ctx->max_b_frames = 0;  // a B-frame waits for a later frame: latency
  ctx->gop_size = kInfiniteGop;
  ctx->thread_count = options.threads;
  applyRateControl(ctx.get(), candidate.name, options.bitrateKbps, options.fps);
  applyPrivateOptions(ctx.get(), candidate.name, options);
  applyChroma(ctx.get(), candidate.name, candidate.backend == "nvenc", options.yuv444);
  const int ret = avcodec_open2(ctx.get(), codec, nullptr);
  if (ret < 0) throw MediaError(code::kEncoderUnavailable, describeAvError(ret));
  return ctx;
}

int64_t Encoder::submit(const AVFrame* frame, bool forceIdr) {
  StageTimer timer;
  if (forceIdr && reopensForKeyframe_ && nextPts_ > 0) reopen();
  // A reference, not a copy: only pts and picture type are ours to set.
  int ret = av_frame_ref(submitView_.get(), frame);
  if (ret < 0) throw MediaError(code::kEncoderFailed, "frame ref: " + describeAvError(ret));
  submitView_->pts = nextPts_++;
  submitView_->pict_type = forceIdr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  ret = avcodec_send_frame(context_.get(), submitView_.get());
  av_frame_unref(submitView_.get());
  if (ret < 0) throw MediaError(code::kEncoderFailed, "submit: " + describeAvError(ret));
  framesSinceOpen_++;
  return timer.elapsedUs();
}

CollectResult Encoder::collect() {
  StageTimer timer;
  CollectResult result;
  AvPacketPtr packet(av_packet_alloc());
  if (!packet) throw MediaError(code::kOutOfMemory, "av_packet_alloc failed");
  const int ret = avcodec_receive_packet(context_.get(), packet.get());
  result.encodeUs = timer.elapsedUs();
  if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return result;
  if (ret < 0) throw MediaError(code::kEncoderFailed, "encode: " + describeAvError(ret));
  auto encoded = std::make_shared<EncodedPacket>();
  encoded->keyframe = (packet->flags & AV_PKT_FLAG_KEY) != 0;
  encoded->pts = packet->pts;
  encoded->packet = std::move(packet);
  result.packet = std::move(encoded);
  return result;
}

void Encoder::flush() {
  const int ret = avcodec_send_frame(context_.get(), nullptr);
  if (ret < 0 && ret != AVERROR_EOF) {
    throw MediaError(code::kEncoderFailed, "flush: " + describeAvError(ret));
  }
}

void Encoder::setBitrateKbps(int bitrateKbps) {
  // libx264 and NVENC pick the new figures up on the next frame (libavcodec
  // reconfigures them live); no reopen, so no IDR is forced.
  // libx265 and SVT-AV1 keep the rate they were opened with (FFmpeg 5.1
  // reconfigures neither); the GameStream path never changes it mid-stream.
  bitrateKbps_ = bitrateKbps;
  applyRateControl(context_.get(), info_.encoderName, bitrateKbps, fps_);
}

}  // namespace media
