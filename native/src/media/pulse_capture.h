#pragma once
// Desktop audio from PulseAudio (or PipeWire's pulse server): S16LE 48 kHz
// from a source, by default the monitor of the default sink, i.e. whatever
// the desktop is playing; stereo, or 5.1 / 7.1 in Moonlight's channel order
// (FL FR FC LFE RL RR [SL SR]), which the server maps by position. pa_simple_read blocks, so a
// dedicated thread reads 5 ms chunks into a bounded ring; the sender's per-packet path only copies
// out of the ring and never waits for the sound server.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct pa_simple;  // libpulse-simple

namespace media {

struct PulseCaptureOptions {
  std::string device = "@DEFAULT_MONITOR@";
  int sampleRate = 48000;
  int channels = 2;
  int chunkFrames = 240;      // one pa_simple_read: 5 ms at 48 kHz
  int ringFrames = 48 * 200;  // 200 ms; a full ring drops its oldest audio
};

// How many channels `device` has (for @DEFAULT_MONITOR@: the default sink's),
// asked of the server by introspection. Throws AUDIO_SOURCE_UNAVAILABLE
// ("PulseAudio: Connection refused", "PulseAudio: No such entity").
int pulseSourceChannels(const std::string& device);

class PulseAudioCapture {
 public:
  // Connects and starts the reader thread. Throws AUDIO_SOURCE_UNAVAILABLE
  // with PulseAudio's own reason ("PulseAudio: Connection refused").
  explicit PulseAudioCapture(const PulseCaptureOptions& options);
  // Stops and joins the reader (within one chunk: the monitor delivers every 5 ms).
  ~PulseAudioCapture();
  PulseAudioCapture(const PulseAudioCapture&) = delete;
  PulseAudioCapture& operator=(const PulseAudioCapture&) = delete;

  // Copies `frames` x channels interleaved samples out of the ring. With
  // fewer than that captured, writes silence, consumes nothing and returns
  // false (an underrun); never waits.
  bool read(int16_t* pcm, int frames);

  int64_t droppedFrames() const { return droppedFrames_.load(std::memory_order_relaxed); }
  // Set when the server went away; the ring then only underruns.
  bool failed() const { return failed_.load(std::memory_order_relaxed); }

 private:
  void readLoop();
  void push(const int16_t* pcm, int frames);

  ::pa_simple* stream_ = nullptr;
  int channels_;
  int chunkFrames_;
  std::mutex mutex_;  // guards ring_, head_, size_; held only for copies
  std::vector<int16_t> ring_;
  size_t ringFrames_;
  size_t head_ = 0;  // oldest frame
  size_t size_ = 0;  // frames held
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<int64_t> droppedFrames_{0};
  std::thread reader_;
};

}  // namespace media
