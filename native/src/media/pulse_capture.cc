#include "media/pulse_capture.h"

#include <pulse/error.h>
#include <pulse/simple.h>

#include <algorithm>
#include <cstring>

#include "media/media_error.h"

namespace media {

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
  stream_ = pa_simple_new(nullptr, "punktfunk", PA_STREAM_RECORD, o.device.c_str(),
                          "GameStream audio", &spec, nullptr, &attr, &error);
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
