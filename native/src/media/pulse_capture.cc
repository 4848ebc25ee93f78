#include "media/pulse_capture.h"

#include <pulse/context.h>
#include <pulse/error.h>
#include <pulse/introspect.h>
#include <pulse/mainloop.h>
#include <pulse/simple.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "media/media_error.h"

namespace media {
namespace {

// A server that accepts the connection but never answers must not hang a stream's start.
constexpr auto kIntrospectTimeout = std::chrono::seconds(3);

[[noreturn]] void unavailable(int error) {
  throw MediaError(code::kAudioSourceUnavailable, std::string("PulseAudio: ") + pa_strerror(error));
}

struct SourceQuery {
  int channels = 0;
  bool done = false;
};

void onSourceInfo(pa_context*, const pa_source_info* info, int eol, void* userdata) {
  auto* q = static_cast<SourceQuery*>(userdata);
  if (info) q->channels = info->channel_map.channels;
  if (eol != 0) q->done = true;
}

// Runs the main loop until `done()` or the context fails; throws on failure or timeout.
template <typename Done>
void iterateUntil(pa_mainloop* loop, pa_context* context, Done done) {
  const auto deadline = std::chrono::steady_clock::now() + kIntrospectTimeout;
  while (!done()) {
    if (pa_context_get_state(context) == PA_CONTEXT_FAILED ||
        pa_context_get_state(context) == PA_CONTEXT_TERMINATED) {
      unavailable(pa_context_errno(context));
    }
    if (std::chrono::steady_clock::now() > deadline) unavailable(PA_ERR_TIMEOUT);
    if (pa_mainloop_iterate(loop, 0, nullptr) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
}

// Moonlight's speaker order (its channel masks 0x3F, 0x63F) as PulseAudio positions.
pa_channel_map moonlightChannelMap(int channels) {
  static const pa_channel_position_t kOrder[8] = {
      PA_CHANNEL_POSITION_FRONT_LEFT,   PA_CHANNEL_POSITION_FRONT_RIGHT,
      PA_CHANNEL_POSITION_FRONT_CENTER, PA_CHANNEL_POSITION_LFE,
      PA_CHANNEL_POSITION_REAR_LEFT,    PA_CHANNEL_POSITION_REAR_RIGHT,
      PA_CHANNEL_POSITION_SIDE_LEFT,    PA_CHANNEL_POSITION_SIDE_RIGHT};
  pa_channel_map map;
  pa_channel_map_init(&map);
  map.channels = static_cast<uint8_t>(channels);
  for (int c = 0; c < channels; ++c) map.map[c] = kOrder[c];
  return map;
}

}  // namespace

int pulseSourceChannels(const std::string& device) {
  pa_mainloop* loop = pa_mainloop_new();
  pa_context* context = pa_context_new(pa_mainloop_get_api(loop), "punktfunk");
  SourceQuery query;
  try {
    if (pa_context_connect(context, nullptr, PA_CONTEXT_NOFLAGS, nullptr) < 0) {
      unavailable(pa_context_errno(context));
    }
    iterateUntil(loop, context, [&] { return pa_context_get_state(context) == PA_CONTEXT_READY; });
    pa_operation* op =
        pa_context_get_source_info_by_name(context, device.c_str(), onSourceInfo, &query);
    if (!op) unavailable(pa_context_errno(context));
    pa_operation_unref(op);
    iterateUntil(loop, context, [&] { return query.done; });
    if (query.channels == 0) unavailable(PA_ERR_NOENTITY);
  } catch (...) {
    pa_context_disconnect(context);
    pa_context_unref(context);
    pa_mainloop_free(loop);
    throw;
  }
  pa_context_disconnect(context);
  pa_context_unref(context);
  pa_mainloop_free(loop);
  return query.channels;
}

PulseAudioCapture::PulseAudioCapture(const PulseCaptureOptions& o)
    : channels_(o.channels),
      chunkFrames_(o.chunkFrames),
      ring_(static_cast<size_t>(o.ringFrames) * o.channels),
      ringFrames_(static_cast<size_t>(o.ringFrames)) {
  if (o.channels < 1 || o.channels > 8 || o.chunkFrames < 1 || o.ringFrames < o.chunkFrames) {
    throw MediaError(code::kInvalidArgument, "pulse capture: bad channels or buffer sizes");
  }
  pa_sample_spec spec{};
  spec.format = PA_SAMPLE_S16LE;
  spec.rate = static_cast<uint32_t>(o.sampleRate);
  spec.channels = static_cast<uint8_t>(o.channels);
  const uint32_t chunkBytes = static_cast<uint32_t>(o.chunkFrames * o.channels * 2);
  // The server's default fragment is ~2 s for a record stream; ask for one
  // chunk so audio reaches the ring as it is played, not in bursts.
  pa_buffer_attr attr;
  attr.maxlength = static_cast<uint32_t>(-1);
  attr.tlength = static_cast<uint32_t>(-1);
  attr.prebuf = static_cast<uint32_t>(-1);
  attr.minreq = static_cast<uint32_t>(-1);
  attr.fragsize = chunkBytes;
  int error = 0;
  const pa_channel_map map = moonlightChannelMap(o.channels);
  // Mono and stereo keep the server's default map; surround names every position.
  stream_ =
      pa_simple_new(nullptr, "punktfunk", PA_STREAM_RECORD, o.device.c_str(), "GameStream audio",
                    &spec, o.channels > 2 ? &map : nullptr, &attr, &error);
  if (!stream_) {
    throw MediaError(code::kAudioSourceUnavailable,
                     std::string("PulseAudio: ") + pa_strerror(error));
  }
  reader_ = std::thread([this] { readLoop(); });
}

PulseAudioCapture::~PulseAudioCapture() {
  stop_.store(true);
  if (reader_.joinable()) reader_.join();
  pa_simple_free(stream_);
}

void PulseAudioCapture::readLoop() {
  std::vector<int16_t> chunk(static_cast<size_t>(chunkFrames_) * channels_);
  while (!stop_.load()) {
    int error = 0;
    if (pa_simple_read(stream_, chunk.data(), chunk.size() * sizeof(int16_t), &error) < 0) {
      failed_.store(true);
      return;
    }
    push(chunk.data(), chunkFrames_);
  }
}

void PulseAudioCapture::push(const int16_t* pcm, int frames) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (int i = 0; i < frames; ++i) {
    if (size_ == ringFrames_) {  // full: the oldest frame goes
      head_ = (head_ + 1) % ringFrames_;
      --size_;
      droppedFrames_.fetch_add(1, std::memory_order_relaxed);
    }
    const size_t tail = (head_ + size_) % ringFrames_;
    std::memcpy(&ring_[tail * channels_], pcm + static_cast<size_t>(i) * channels_,
                sizeof(int16_t) * channels_);
    ++size_;
  }
}

bool PulseAudioCapture::read(int16_t* pcm, int frames) {
  const size_t want = static_cast<size_t>(frames);
  std::lock_guard<std::mutex> lock(mutex_);
  if (size_ < want) {
    std::memset(pcm, 0, want * channels_ * sizeof(int16_t));
    return false;
  }
  // At most two copies: up to the ring's end, then from its start.
  const size_t first = std::min(want, ringFrames_ - head_);
  std::memcpy(pcm, &ring_[head_ * channels_], first * channels_ * sizeof(int16_t));
  std::memcpy(pcm + first * channels_, ring_.data(), (want - first) * channels_ * sizeof(int16_t));
  head_ = (head_ + want) % ringFrames_;
  size_ -= want;
  return true;
}

}  // namespace media
