#include "media/encoder.h"

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

void applyRateControl(AVCodecContext* ctx, int bitrateKbps, int fps) {
  const int64_t bitsPerSecond = static_cast<int64_t>(bitrateKbps) * 1000;
  ctx->bit_rate = bitsPerSecond;
  ctx->rc_max_rate = bitsPerSecond;
  // About one frame of VBV: a frame may not borrow bits from its neighbours,
  // so no frame is much larger than average and none waits in a queue.
  ctx->rc_buffer_size = static_cast<int>(bitsPerSecond / fps);
}

void applyPrivateOptions(AVCodecContext* ctx, const std::string& encoderName,
                         const std::string& preset) {
  const bool nvenc = encoderName.find("nvenc") != std::string::npos;
  if (nvenc) {
    setOption(ctx, "preset", preset.empty() ? "p1" : preset);
    setOption(ctx, "tune", "ull");
    setOption(ctx, "rc", "cbr");
    setOption(ctx, "zerolatency", "1");
    setOption(ctx, "delay", "0");
  } else {
    // libx265 at superfast takes ~15 ms per 720p frame on two cores (measured:
    // 38-55 fps streaming to Moonlight); ultrafast keeps 60 fps. libx264 keeps
    // superfast, Sunshine's software default.
    const char* fallback = encoderName == "libx265" ? "ultrafast" : "superfast";
    setOption(ctx, "preset", preset.empty() ? fallback : preset);
    setOption(ctx, "tune", "zerolatency");
  }
  // A forced keyframe must be an IDR, or a client that lost sync cannot join.
  setOption(ctx, "forced-idr", "1");
  if (encoderName == "libx265") setOption(ctx, "x265-params", "log-level=error");
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
    : submitView_(av_frame_alloc()), fps_(options.fps), bitrateKbps_(options.bitrateKbps) {
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
  if (context_) noteCodecContextClosed();
}

std::vector<Encoder::Candidate> Encoder::candidatesFor(const EncoderOptions& options) const {
  const bool hevc = options.codec == "hevc";
  if (!hevc && options.codec != "h264") {
    throw MediaError(code::kInvalidArgument, "unknown codec '" + options.codec + "'");
  }
  const Candidate nvenc{hevc ? "hevc_nvenc" : "h264_nvenc", "nvenc"};
  const Candidate software{hevc ? "libx265" : "libx264", "software"};
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
  applyRateControl(ctx.get(), options.bitrateKbps, options.fps);
  applyPrivateOptions(ctx.get(), candidate.name, options.preset);
  applyChroma(ctx.get(), candidate.name, candidate.backend == "nvenc", options.yuv444);
  const int ret = avcodec_open2(ctx.get(), codec, nullptr);
  if (ret < 0) throw MediaError(code::kEncoderUnavailable, describeAvError(ret));
  return ctx;
}

int64_t Encoder::submit(const AVFrame* frame, bool forceIdr) {
  StageTimer timer;
  // A reference, not a copy: only pts and picture type are ours to set.
  int ret = av_frame_ref(submitView_.get(), frame);
  if (ret < 0) throw MediaError(code::kEncoderFailed, "frame ref: " + describeAvError(ret));
  submitView_->pts = nextPts_++;
  submitView_->pict_type = forceIdr ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE;
  ret = avcodec_send_frame(context_.get(), submitView_.get());
  av_frame_unref(submitView_.get());
  if (ret < 0) throw MediaError(code::kEncoderFailed, "submit: " + describeAvError(ret));
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
  bitrateKbps_ = bitrateKbps;
  applyRateControl(context_.get(), bitrateKbps, fps_);
}

}  // namespace media
