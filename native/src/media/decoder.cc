#include "media/decoder.h"

#include <cstring>

extern "C" {
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
}

#include "media/clock.h"
#include "media/codec_census.h"
#include "media/ffmpeg_log.h"
#include "media/frame_counter.h"
#include "media/media_error.h"

namespace media {
namespace {

const AVCodec* findDecoder(const std::string& codecName) {
  if (codecName == "h264") return avcodec_find_decoder(AV_CODEC_ID_H264);
  if (codecName == "hevc") return avcodec_find_decoder(AV_CODEC_ID_HEVC);
  if (codecName == "av1") {
    // FFmpeg's own "av1" decodes only through a GPU (hwaccel); dav1d is the
    // software decoder clients use, libaom the slower fallback.
    for (const char* name : {"libdav1d", "libaom-av1"}) {
      if (const AVCodec* codec = avcodec_find_decoder_by_name(name)) return codec;
    }
    return nullptr;
  }
  throw MediaError(code::kInvalidArgument, "unknown codec '" + codecName + "'");
}

}  // namespace

Decoder::Decoder(const std::string& codecName, int threads)
    : packet_(av_packet_alloc()), frame_(av_frame_alloc()), last_(av_frame_alloc()) {
  if (!packet_ || !frame_ || !last_) throw MediaError(code::kOutOfMemory, "decoder buffers");
  const AVCodec* codec = findDecoder(codecName);
  if (!codec) throw MediaError(code::kDecoderUnavailable, codecName + " decoder not built in");
  context_.reset(avcodec_alloc_context3(codec));
  if (!context_) throw MediaError(code::kOutOfMemory, "avcodec_alloc_context3 failed");
  // Slice threads only: frame threading would hold frames back (latency).
  context_->thread_count = threads;
  context_->thread_type = FF_THREAD_SLICE;
  context_->flags |= AV_CODEC_FLAG_LOW_DELAY;
  const int ret = avcodec_open2(context_.get(), codec, nullptr);
  if (ret < 0) throw MediaError(code::kDecoderUnavailable, describeAvError(ret));
  noteCodecContextOpened();
}

Decoder::~Decoder() {
  if (context_ && avcodec_is_open(context_.get())) noteCodecContextClosed();
}

DecodeResult Decoder::decode(const uint8_t* data, size_t size) {
  const int64_t startUs = monotonicUs();
  // FFmpeg explains corrupt input only through av_log; keep it for the error.
  FfmpegLogCapture log;
  packet_->data = const_cast<uint8_t*>(data);
  packet_->size = static_cast<int>(size);
  const int ret = avcodec_send_packet(context_.get(), packet_.get());
  packet_->data = nullptr;
  packet_->size = 0;
  if (ret < 0 && ret != AVERROR(EAGAIN)) {
    const std::string why = log.text().empty() ? "" : " (" + log.text() + ")";
    throw MediaError(code::kDecoderFailed, "decode: " + describeAvError(ret) + why);
  }
  return drain(startUs);
}

DecodeResult Decoder::flush() {
  const int64_t startUs = monotonicUs();
  avcodec_send_packet(context_.get(), nullptr);
  return drain(startUs);
}

DecodeResult Decoder::drain(int64_t startUs) {
  DecodeResult result;
  for (;;) {
    const int ret = avcodec_receive_frame(context_.get(), frame_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) break;
    if (ret < 0) throw MediaError(code::kDecoderFailed, "decode: " + describeAvError(ret));
    DecodedFrameInfo info;
    info.width = frame_->width;
    info.height = frame_->height;
    info.keyframe = frame_->key_frame != 0;
    const char* format = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame_->format));
    info.pixelFormat = format ? format : "unknown";
    info.frameCounter =
        readFrameCounter(frame_->data[0], frame_->linesize[0], frame_->width, frame_->height);
    result.frames.push_back(info);
    av_frame_unref(last_.get());
    av_frame_move_ref(last_.get(), frame_.get());
  }
  result.decodeUs = monotonicUs() - startUs;
  return result;
}

std::vector<uint8_t> Decoder::lastLuma() const {
  std::vector<uint8_t> luma;
  if (!last_->data[0]) return luma;
  luma.resize(static_cast<size_t>(last_->width) * last_->height);
  for (int y = 0; y < last_->height; ++y) {
    std::memcpy(&luma[static_cast<size_t>(y) * last_->width],
                last_->data[0] + static_cast<size_t>(y) * last_->linesize[0], last_->width);
  }
  return luma;
}

std::vector<uint8_t> Decoder::lastRgb() const {
  std::vector<uint8_t> rgb;
  if (!last_->data[0]) return rgb;
  SwsContext* sws = sws_getContext(
      last_->width, last_->height, static_cast<AVPixelFormat>(last_->format), last_->width,
      last_->height, AV_PIX_FMT_RGB24, SWS_POINT, nullptr, nullptr, nullptr);
  if (!sws) throw MediaError(code::kConverterFailed, "no converter from the decoded format to RGB");
  rgb.resize(static_cast<size_t>(last_->width) * last_->height * 3);
  uint8_t* dst[4] = {rgb.data(), nullptr, nullptr, nullptr};
  int dstStride[4] = {last_->width * 3, 0, 0, 0};
  sws_scale(sws, last_->data, last_->linesize, 0, last_->height, dst, dstStride);
  sws_freeContext(sws);
  return rgb;
}

}  // namespace media
