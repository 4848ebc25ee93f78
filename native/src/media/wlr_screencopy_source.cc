#include "media/wlr_screencopy_source.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <wayland-client.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "media/media_error.h"
#include "media/wayland_socket.h"
#include "wlr-screencopy-unstable-v1-client-protocol.h"
#include "xdg-output-unstable-v1-client-protocol.h"

namespace media {

bool pixelOrderForShmFormat(uint32_t format, PixelOrder& order) {
  switch (format) {
    case WL_SHM_FORMAT_ARGB8888:
    case WL_SHM_FORMAT_XRGB8888:
      order = PixelOrder::kBgrx;
      return true;
    case WL_SHM_FORMAT_ABGR8888:
    case WL_SHM_FORMAT_XBGR8888:
      order = PixelOrder::kRgbx;
      return true;
    case WL_SHM_FORMAT_BGRA8888:
    case WL_SHM_FORMAT_BGRX8888:
      order = PixelOrder::kXrgb;
      return true;
    case WL_SHM_FORMAT_RGBA8888:
    case WL_SHM_FORMAT_RGBX8888:
      order = PixelOrder::kXbgr;
      return true;
    default:
      return false;
  }
}

namespace {

// Version 2 adds copy_with_damage (frames only when something changed);
// version 3 adds DMA-BUF offers and buffer_done, which we read but do not use.
constexpr uint32_t kScreencopyVersion = 3;
constexpr uint32_t kCopyWithDamage = 2;
constexpr uint32_t kBufferDone = 3;
// wl_output version 4 names outputs itself; before that, xdg-output (v2+) does.
constexpr uint32_t kOutputVersion = 4;
constexpr uint32_t kXdgOutputVersion = 3;
// A compositor may fail a frame around a mode change; only a run of failures
// means the output is unusable.
constexpr int kMaxConsecutiveFailures = 3;

[[noreturn]] void unavailable(const std::string& message) {
  throw MediaError(code::kCaptureUnavailable, message);
}

int64_t nowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

struct BufferParams {
  uint32_t format = 0;
  int width = 0;
  int height = 0;
  int stride = 0;
  bool operator==(const BufferParams& o) const {
    return format == o.format && width == o.width && height == o.height && stride == o.stride;
  }
};

// One wl_shm buffer we keep mapped. Who owns it is its state: the dispatch
// thread (free, in flight), the mailbox (ready), or the reader (held).
struct ShmSlot {
  enum class State { kFree, kInFlight, kReady, kHeld };
  State state = State::kFree;
  BufferParams params;
  int fd = -1;
  uint8_t* data = nullptr;
  size_t size = 0;
  wl_shm_pool* pool = nullptr;
  wl_buffer* buffer = nullptr;

  void release() {
    if (buffer) wl_buffer_destroy(buffer);
    if (pool) wl_shm_pool_destroy(pool);
    if (data) munmap(data, size);
    if (fd >= 0) close(fd);
    buffer = nullptr;
    pool = nullptr;
    data = nullptr;
    fd = -1;
    size = 0;
  }
};

struct Output {
  uint32_t globalName = 0;
  wl_output* output = nullptr;
  zxdg_output_v1* xdgOutput = nullptr;
  std::string name;
};

}  // namespace

struct WlrScreencopySource::Impl {
  WlrScreencopySourceOptions options;
  std::string where;
  wl_display* display = nullptr;
  wl_registry* registry = nullptr;
  wl_shm* shm = nullptr;
  zwlr_screencopy_manager_v1* manager = nullptr;
  uint32_t managerVersion = 0;
  zxdg_output_manager_v1* xdgOutputManager = nullptr;
  std::vector<std::unique_ptr<Output>> outputs;
  Output* chosen = nullptr;

  // The frame in flight (dispatch thread only).
  zwlr_screencopy_frame_v1* frame = nullptr;
  BufferParams offer;
  bool offered = false;
  ShmSlot* target = nullptr;
  uint32_t frameFlags = 0;
  int consecutiveFailures = 0;
  BufferParams lastDelivered;  // the last ready frame's buffer

  // Three slots: one held by the reader, one in the mailbox, one in flight.
  std::array<ShmSlot, 3> slots;
  std::mutex mutex;  // slot states, mailbox, error, delivered
  ShmSlot* mailbox = nullptr;
  std::string error;
  uint64_t delivered = 0;

  std::thread thread;
  int wakeFd = -1;
  std::atomic<bool> stopping{false};

  // The reader's side: the last frame handed out.
  ShmSlot* held = nullptr;
  BufferParams current;
  PixelOrder order = PixelOrder::kBgrx;
  std::string mode;

  void connect();
  void bindGlobals();
  void chooseOutput();
  void requestFrame();
  void onBuffer(const BufferParams& params);
  void copyInto();
  bool prepareSlot(ShmSlot& slot);
  void onReady();
  void onFailed();
  void fail(const std::string& message);
  void flush();
  bool pump(int timeoutMs);
  void waitFor(const std::function<bool()>& done, const char* what);
  void roundtrip(const char* what);
  void runThread();
  void destroy();
  std::string lostReason() const;
};

namespace {

using Impl = WlrScreencopySource::Impl;

void outputGeometry(void*, wl_output*, int32_t, int32_t, int32_t, int32_t, int32_t, const char*,
                    const char*, int32_t) {}
void outputMode(void*, wl_output*, uint32_t, int32_t, int32_t, int32_t) {}
void outputDone(void*, wl_output*) {}
void outputScale(void*, wl_output*, int32_t) {}
void outputName(void* data, wl_output*, const char* name) {
  static_cast<Output*>(data)->name = name;
}
void outputDescription(void*, wl_output*, const char*) {}
const wl_output_listener kOutputListener = {outputGeometry, outputMode, outputDone,
                                            outputScale,    outputName, outputDescription};

void registryGlobal(void* data, wl_registry* registry, uint32_t name, const char* interface,
                    uint32_t version) {
  Impl& impl = *static_cast<Impl*>(data);
  const auto is = [&](const wl_interface& i) { return std::strcmp(interface, i.name) == 0; };
  if (is(zwlr_screencopy_manager_v1_interface) && !impl.manager) {
    impl.managerVersion = std::min(version, kScreencopyVersion);
    impl.manager = static_cast<zwlr_screencopy_manager_v1*>(wl_registry_bind(
        registry, name, &zwlr_screencopy_manager_v1_interface, impl.managerVersion));
  } else if (is(wl_shm_interface) && !impl.shm) {
    impl.shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
  } else if (is(zxdg_output_manager_v1_interface) && !impl.xdgOutputManager) {
    impl.xdgOutputManager = static_cast<zxdg_output_manager_v1*>(wl_registry_bind(
        registry, name, &zxdg_output_manager_v1_interface, std::min(version, kXdgOutputVersion)));
  } else if (is(wl_output_interface)) {
    auto output = std::make_unique<Output>();
    output->globalName = name;
    output->output = static_cast<wl_output*>(
        wl_registry_bind(registry, name, &wl_output_interface, std::min(version, kOutputVersion)));
    // Now: its name comes right after the bind.
    wl_output_add_listener(output->output, &kOutputListener, output.get());
    impl.outputs.push_back(std::move(output));
  }
}

void registryGlobalRemove(void* data, wl_registry*, uint32_t name) {
  Impl& impl = *static_cast<Impl*>(data);
  if (impl.chosen && impl.chosen->globalName == name) {
    impl.fail("the output " + impl.chosen->name + " is gone");
  }
}
const wl_registry_listener kRegistryListener = {registryGlobal, registryGlobalRemove};

void xdgPosition(void*, zxdg_output_v1*, int32_t, int32_t) {}
void xdgSize(void*, zxdg_output_v1*, int32_t, int32_t) {}
void xdgDone(void*, zxdg_output_v1*) {}
void xdgName(void* data, zxdg_output_v1*, const char* name) {
  Output& output = *static_cast<Output*>(data);
  if (output.name.empty()) output.name = name;
}
void xdgDescription(void*, zxdg_output_v1*, const char*) {}
const zxdg_output_v1_listener kXdgOutputListener = {xdgPosition, xdgSize, xdgDone, xdgName,
                                                    xdgDescription};

void frameBuffer(void* data, zwlr_screencopy_frame_v1*, uint32_t format, uint32_t width,
                 uint32_t height, uint32_t stride) {
  static_cast<Impl*>(data)->onBuffer(BufferParams{
      format, static_cast<int>(width), static_cast<int>(height), static_cast<int>(stride)});
}
void frameFlags(void* data, zwlr_screencopy_frame_v1*, uint32_t flags) {
  static_cast<Impl*>(data)->frameFlags = flags;
}
void frameReady(void* data, zwlr_screencopy_frame_v1*, uint32_t, uint32_t, uint32_t) {
  static_cast<Impl*>(data)->onReady();
}
void frameFailed(void* data, zwlr_screencopy_frame_v1*) { static_cast<Impl*>(data)->onFailed(); }
void frameDamage(void*, zwlr_screencopy_frame_v1*, uint32_t, uint32_t, uint32_t, uint32_t) {}
void frameDmabuf(void*, zwlr_screencopy_frame_v1*, uint32_t, uint32_t, uint32_t) {}
void frameBufferDone(void* data, zwlr_screencopy_frame_v1*) {
  static_cast<Impl*>(data)->copyInto();
}
const zwlr_screencopy_frame_v1_listener kFrameListener = {
    frameBuffer, frameFlags, frameReady, frameFailed, frameDamage, frameDmabuf, frameBufferDone};

void syncDone(void* data, wl_callback*, uint32_t) { *static_cast<bool*>(data) = true; }
const wl_callback_listener kSyncListener = {syncDone};

// The compositor wrote the picture bottom-up: turn it upright in place.
void flipRows(ShmSlot& slot) {
  const size_t rowBytes = static_cast<size_t>(slot.params.stride);
  std::vector<uint8_t> row(rowBytes);
  for (int top = 0, bottom = slot.params.height - 1; top < bottom; ++top, --bottom) {
    uint8_t* a = slot.data + rowBytes * top;
    uint8_t* b = slot.data + rowBytes * bottom;
    std::memcpy(row.data(), a, rowBytes);
    std::memcpy(a, b, rowBytes);
    std::memcpy(b, row.data(), rowBytes);
  }
}

}  // namespace

void Impl::connect() {
  display =
      connectWaylandSocket(options.display, options.runtimeDir, code::kCaptureUnavailable, where);
  wakeFd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wakeFd < 0) unavailable(std::string("eventfd: ") + std::strerror(errno));
}

void Impl::bindGlobals() {
  registry = wl_display_get_registry(display);
  wl_registry_add_listener(registry, &kRegistryListener, this);
  roundtrip("the global list");
  if (!manager) {
    unavailable("the compositor at " + where +
                " offers no zwlr_screencopy_manager_v1 (not wlroots?)");
  }
  if (!shm) unavailable("the compositor at " + where + " offers no wl_shm");
  for (auto& output : outputs) {
    if (xdgOutputManager) {
      output->xdgOutput = zxdg_output_manager_v1_get_xdg_output(xdgOutputManager, output->output);
      zxdg_output_v1_add_listener(output->xdgOutput, &kXdgOutputListener, output.get());
    }
  }
  roundtrip("the output names");
}

void Impl::chooseOutput() {
  if (outputs.empty()) unavailable("the compositor at " + where + " has no output");
  if (options.output.empty()) {
    chosen = outputs.front().get();
    return;
  }
  std::string names;
  for (auto& output : outputs) {
    if (output->name == options.output) {
      chosen = output.get();
      return;
    }
    names += (names.empty() ? "" : ", ") + output->name;
  }
  unavailable("the compositor at " + where + " has no output named " + options.output +
              " (outputs: " + names + ")");
}

// Dispatch thread (or the constructor before it starts).
void Impl::requestFrame() {
  offered = false;
  target = nullptr;
  frameFlags = 0;
  frame =
      zwlr_screencopy_manager_v1_capture_output(manager, options.cursor ? 1 : 0, chosen->output);
  zwlr_screencopy_frame_v1_add_listener(frame, &kFrameListener, this);
}

void Impl::onBuffer(const BufferParams& params) {
  offer = params;
  offered = true;
  // Before version 3 nothing else is offered: copy now. Later, buffer_done says so.
  if (managerVersion < kBufferDone) copyInto();
}

void Impl::copyInto() {
  if (!offered) return fail("the compositor offered no shared-memory buffer (DMA-BUF only)");
  PixelOrder unused;
  if (!pixelOrderForShmFormat(offer.format, unused)) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%x", offer.format);
    return fail(std::string("the compositor offered wl_shm format ") + hex +
                ", not a 32-bit RGB one the converter reads");
  }
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (ShmSlot& slot : slots) {
      if (slot.state == ShmSlot::State::kFree) {
        slot.state = ShmSlot::State::kInFlight;
        target = &slot;
        break;
      }
    }
  }
  if (!target) return fail("no free capture buffer (internal)");
  if (!prepareSlot(*target)) return;
  // After a mode change a frame of the old size may have taken the damage
  // (wlroots copies the old-size box): the first frame of a new size is
  // copied at the next refresh, damage or not, so a still screen still
  // shows its new size. (The very first frame needs no such help: a new
  // client's damage starts as the whole output.)
  const bool resized = lastDelivered.width != 0 && !(offer == lastDelivered);
  if (managerVersion >= kCopyWithDamage && !resized) {
    zwlr_screencopy_frame_v1_copy_with_damage(frame, target->buffer);
  } else {
    zwlr_screencopy_frame_v1_copy(frame, target->buffer);
  }
}

// A buffer of the offered size and format, reusing the slot's if it fits
// (a mode change makes a new one).
bool Impl::prepareSlot(ShmSlot& slot) {
  if (slot.buffer && slot.params == offer) return true;
  slot.release();
  slot.params = offer;
  slot.size = static_cast<size_t>(offer.stride) * offer.height;
  slot.fd = memfd_create("punktfunk-screencopy", MFD_CLOEXEC);
  if (slot.fd < 0 || ftruncate(slot.fd, static_cast<off_t>(slot.size)) != 0) {
    fail(std::string("cannot allocate a frame buffer: ") + std::strerror(errno));
    return false;
  }
  void* mapped = mmap(nullptr, slot.size, PROT_READ | PROT_WRITE, MAP_SHARED, slot.fd, 0);
  if (mapped == MAP_FAILED) {
    fail(std::string("cannot map a frame buffer: ") + std::strerror(errno));
    return false;
  }
  slot.data = static_cast<uint8_t*>(mapped);
  slot.pool = wl_shm_create_pool(shm, slot.fd, static_cast<int32_t>(slot.size));
  slot.buffer = wl_shm_pool_create_buffer(slot.pool, 0, offer.width, offer.height, offer.stride,
                                          offer.format);
  return true;
}

// A frame is in: it replaces what the mailbox held, and the next one is
// asked for at once, so the reader finds a finished frame.
void Impl::onReady() {
  zwlr_screencopy_frame_v1_destroy(frame);
  frame = nullptr;
  consecutiveFailures = 0;
  lastDelivered = target->params;
  if (frameFlags & ZWLR_SCREENCOPY_FRAME_V1_FLAGS_Y_INVERT) flipRows(*target);
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (mailbox) mailbox->state = ShmSlot::State::kFree;
    target->state = ShmSlot::State::kReady;
    mailbox = target;
    ++delivered;
  }
  target = nullptr;
  requestFrame();
}

void Impl::onFailed() {
  zwlr_screencopy_frame_v1_destroy(frame);
  frame = nullptr;
  if (target) {
    std::lock_guard<std::mutex> lock(mutex);
    target->state = ShmSlot::State::kFree;
  }
  target = nullptr;
  if (++consecutiveFailures >= kMaxConsecutiveFailures) {
    return fail("the compositor failed " + std::to_string(consecutiveFailures) +
                " frames in a row of output " + chosen->name + " (gone or disabled?)");
  }
  requestFrame();
}

void Impl::fail(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex);
  if (error.empty()) error = message;
}

std::string Impl::lostReason() const {
  const int code = wl_display_get_error(display);
  if (code != EPROTO) return code ? std::strerror(code) : "no answer";
  const wl_interface* interface = nullptr;
  uint32_t id = 0;
  const uint32_t protocolError = wl_display_get_protocol_error(display, &interface, &id);
  return "protocol error " + std::to_string(protocolError) + " on " +
         (interface ? interface->name : std::string("an object"));
}

// Sends what is queued, waiting (bounded) while the socket is full.
void Impl::flush() {
  while (wl_display_flush(display) < 0) {
    if (errno != EAGAIN)
      unavailable("lost the Wayland compositor at " + where + ": " + lostReason());
    pollfd pfd = {wl_display_get_fd(display), POLLOUT, 0};
    if (poll(&pfd, 1, options.timeoutMs) <= 0) {
      unavailable("the Wayland compositor at " + where + " stopped reading requests");
    }
  }
}

// Flushes, waits up to timeoutMs (-1: until woken) for events and
// dispatches them. False when nothing arrived in time or we were woken.
bool Impl::pump(int timeoutMs) {
  flush();
  while (wl_display_prepare_read(display) != 0) {
    if (wl_display_dispatch_pending(display) < 0) {
      unavailable("lost the Wayland compositor at " + where + ": " + lostReason());
    }
  }
  pollfd fds[2] = {{wl_display_get_fd(display), POLLIN, 0}, {wakeFd, POLLIN, 0}};
  const int ready = poll(fds, 2, timeoutMs);
  if (ready <= 0 || !(fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
    wl_display_cancel_read(display);
    return false;
  }
  if (wl_display_read_events(display) < 0 || wl_display_dispatch_pending(display) < 0) {
    unavailable("lost the Wayland compositor at " + where + ": " + lostReason());
  }
  return true;
}

// Dispatches until done() or an error, bounded by the timeout (constructor only).
void Impl::waitFor(const std::function<bool()>& done, const char* what) {
  const int64_t deadlineMs = nowMs() + options.timeoutMs;
  while (!done()) {
    if (!error.empty()) unavailable(error);
    const int64_t leftMs = deadlineMs - nowMs();
    if (leftMs <= 0 || (!pump(static_cast<int>(leftMs)) && nowMs() >= deadlineMs)) {
      unavailable("the Wayland compositor at " + where + " did not answer within " +
                  std::to_string(options.timeoutMs) + " ms (" + what + ")");
    }
  }
  if (!error.empty()) unavailable(error);
}

// wl_display_roundtrip with a deadline (constructor only).
void Impl::roundtrip(const char* what) {
  bool done = false;
  struct Callback {
    wl_callback* callback;
    ~Callback() { wl_callback_destroy(callback); }
  } sync{wl_display_sync(display)};
  wl_callback_add_listener(sync.callback, &kSyncListener, &done);
  waitFor([&] { return done; }, what);
}

void Impl::runThread() {
  try {
    while (!stopping.load()) {
      pump(-1);
      std::lock_guard<std::mutex> lock(mutex);
      if (!error.empty()) return;
    }
  } catch (const MediaError& e) {
    fail(e.what());
  }
}

void Impl::destroy() {
  if (thread.joinable()) {
    stopping = true;
    const uint64_t one = 1;
    if (write(wakeFd, &one, sizeof one) < 0) {
      // The eventfd cannot be full with a single writer; nothing else to do.
    }
    thread.join();
  }
  if (wakeFd >= 0) close(wakeFd);
  if (!display) return;
  if (frame) zwlr_screencopy_frame_v1_destroy(frame);
  for (ShmSlot& slot : slots) slot.release();
  for (auto& output : outputs) {
    if (output->xdgOutput) zxdg_output_v1_destroy(output->xdgOutput);
    if (output->output) wl_output_destroy(output->output);
  }
  if (xdgOutputManager) zxdg_output_manager_v1_destroy(xdgOutputManager);
  if (manager) zwlr_screencopy_manager_v1_destroy(manager);
  if (shm) wl_shm_destroy(shm);
  if (registry) wl_registry_destroy(registry);
  wl_display_flush(display);
  wl_display_disconnect(display);
}

WlrScreencopySource::WlrScreencopySource(const WlrScreencopySourceOptions& options)
    : impl_(std::make_unique<Impl>()) {
  Impl& impl = *impl_;
  impl.options = options;
  if (options.timeoutMs <= 0) {
    throw MediaError(code::kInvalidArgument, "wlr.timeoutMs must be > 0");
  }
  try {
    impl.connect();
    impl.bindGlobals();
    impl.chooseOutput();
    // The first frame here, so the size is known and a compositor that
    // cannot deliver fails now rather than in the first grab.
    impl.requestFrame();
    impl.waitFor([&] { return impl.delivered > 0; }, "the first frame");
  } catch (...) {
    impl.destroy();
    throw;
  }
  impl.current = impl.mailbox->params;
  pixelOrderForShmFormat(impl.current.format, impl.order);
  impl.thread = std::thread([&impl] { impl.runThread(); });
}

WlrScreencopySource::~WlrScreencopySource() { impl_->destroy(); }

int WlrScreencopySource::width() const { return impl_->current.width; }
int WlrScreencopySource::height() const { return impl_->current.height; }
PixelOrder WlrScreencopySource::pixelOrder() const { return impl_->order; }
const char* WlrScreencopySource::mode() const {
  Impl& impl = *impl_;
  impl.mode = "wlr-screencopy " + impl.chosen->name + " " + std::to_string(impl.current.width) +
              "x" + std::to_string(impl.current.height) + " " + pixelOrderName(impl.order) +
              (impl.managerVersion >= kCopyWithDamage ? " (damage)" : "");
  return impl.mode.c_str();
}

GrabResult WlrScreencopySource::grab(uint64_t, uint8_t*, int) {
  Impl& impl = *impl_;
  GrabResult result;
  {
    std::lock_guard<std::mutex> lock(impl.mutex);
    if (!impl.error.empty()) unavailable(impl.error);
    if (!impl.mailbox) {
      result.repeated = true;
    } else {
      // The previous frame goes back to the thread; the new one is ours
      // until the next grab that hands out another.
      if (impl.held) impl.held->state = ShmSlot::State::kFree;
      impl.held = impl.mailbox;
      impl.held->state = ShmSlot::State::kHeld;
      impl.mailbox = nullptr;
    }
  }
  ShmSlot& slot = *impl.held;
  impl.current = slot.params;
  pixelOrderForShmFormat(slot.params.format, impl.order);
  result.pixels = slot.data;
  result.strideBytes = slot.params.stride;
  return result;
}

}  // namespace media
