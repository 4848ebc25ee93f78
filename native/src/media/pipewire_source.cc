#include "media/pipewire_source.h"

#include <fcntl.h>
#include <pipewire/pipewire.h>
#include <spa/param/video/format-utils.h>
#include <spa/utils/result.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "media/media_error.h"

namespace media {
namespace {

// Damage regions we accept per buffer; more than this is "the whole frame" anyway.
constexpr int kMaxDamageRegions = 16;
// Cursor bitmaps up to 256x256 (HiDPI cursors are 64 or 96 px).
constexpr int kMaxCursorPx = 256;
constexpr int kDefaultCursorPx = 64;
// Buffers the producer may allocate for us: we hold at most two (the one
// being converted and the one waiting in the mailbox).
constexpr int kDefaultBuffers = 8;
constexpr int kMinBuffers = 3;
constexpr int kMaxBuffers = 16;
constexpr uint64_t kLinearModifier = 0;  // DRM_FORMAT_MOD_LINEAR

int cursorMetaBytes(int px) {
  return static_cast<int>(sizeof(spa_meta_cursor) + sizeof(spa_meta_bitmap)) + px * px * 4;
}

std::optional<PixelOrder> orderOf(uint32_t format) {
  switch (format) {
    case SPA_VIDEO_FORMAT_BGRx:
    case SPA_VIDEO_FORMAT_BGRA:
      return PixelOrder::kBgrx;
    case SPA_VIDEO_FORMAT_RGBx:
    case SPA_VIDEO_FORMAT_RGBA:
      return PixelOrder::kRgbx;
    case SPA_VIDEO_FORMAT_xRGB:
    case SPA_VIDEO_FORMAT_ARGB:
      return PixelOrder::kXrgb;
    case SPA_VIDEO_FORMAT_xBGR:
    case SPA_VIDEO_FORMAT_ABGR:
      return PixelOrder::kXbgr;
    default:
      return std::nullopt;
  }
}

const char* formatName(uint32_t format) {
  switch (format) {
    case SPA_VIDEO_FORMAT_BGRx:
      return "BGRx";
    case SPA_VIDEO_FORMAT_BGRA:
      return "BGRA";
    case SPA_VIDEO_FORMAT_RGBx:
      return "RGBx";
    case SPA_VIDEO_FORMAT_RGBA:
      return "RGBA";
    case SPA_VIDEO_FORMAT_xRGB:
      return "xRGB";
    case SPA_VIDEO_FORMAT_ARGB:
      return "ARGB";
    case SPA_VIDEO_FORMAT_xBGR:
      return "xBGR";
    case SPA_VIDEO_FORMAT_ABGR:
      return "ABGR";
    default:
      return "?";
  }
}

const char* dataTypeName(uint32_t type) {
  switch (type) {
    case SPA_DATA_MemFd:
      return "MemFd";
    case SPA_DATA_MemPtr:
      return "MemPtr";
    case SPA_DATA_DmaBuf:
      return "DMA-BUF";
    default:
      return "?";
  }
}

// Byte offsets of R, G, B in a pixel of `order`.
struct RgbOffsets {
  int r, g, b;
};
RgbOffsets offsetsOf(PixelOrder order) {
  switch (order) {
    case PixelOrder::kRgbx:
      return {0, 1, 2};
    case PixelOrder::kXrgb:
      return {1, 2, 3};
    case PixelOrder::kXbgr:
      return {3, 2, 1};
    default:
      return {2, 1, 0};
  }
}

// Our own mapping of a buffer's MemFd or DMA-BUF memory. Shared with the
// worker's current picture, so a renegotiation that removes the buffer
// mid-conversion leaves the pages mapped until the worker moves on (munmap on
// the last reference). MemPtr buffers (PipeWire's own shared pool, mapped by
// the stream) are read where they are; see onRemoveBuffer.
struct Mapping {
  void* base = MAP_FAILED;
  size_t length = 0;
  std::vector<uint8_t> copy;  // a MemPtr picture whose buffer was removed while shown
  ~Mapping() {
    if (base != MAP_FAILED) munmap(base, length);
  }
  const uint8_t* bytes() const {
    return base != MAP_FAILED ? static_cast<const uint8_t*>(base) : copy.data();
  }
};

struct Picture {
  pw_buffer* buffer = nullptr;  // to give back; null once PipeWire removed it
  std::shared_ptr<const Mapping> memory;
  const uint8_t* pixels = nullptr;
  int strideBytes = 0;
  int width = 0;
  int height = 0;
  uint32_t format = 0;
  uint32_t dataType = 0;
};

struct CursorImage {
  bool visible = false;
  int x = 0, y = 0, hotX = 0, hotY = 0;
  int width = 0, height = 0;
  std::vector<uint8_t> rgba;  // straight alpha
  uint64_t serial = 0;        // bumped on every change
};

// Premultiplied-free "over": dst = src * a + dst * (255 - a), rounded.
inline uint8_t blend(uint8_t dst, uint8_t src, uint32_t alpha) {
  return static_cast<uint8_t>((src * alpha + dst * (255 - alpha) + 127) / 255);
}

void drawCursor(const CursorImage& c, uint8_t* pixels, int strideBytes, int width, int height,
                PixelOrder order) {
  const RgbOffsets o = offsetsOf(order);
  const int left = c.x - c.hotX, top = c.y - c.hotY;
  const int x0 = std::max(0, left), x1 = std::min(width, left + c.width);
  const int y0 = std::max(0, top), y1 = std::min(height, top + c.height);
  for (int y = y0; y < y1; ++y) {
    const uint8_t* src = c.rgba.data() + (static_cast<size_t>(y - top) * c.width) * 4;
    uint8_t* row = pixels + static_cast<size_t>(y) * strideBytes;
    for (int x = x0; x < x1; ++x) {
      const uint8_t* s = src + static_cast<size_t>(x - left) * 4;
      if (s[3] == 0) continue;
      uint8_t* d = row + static_cast<size_t>(x) * 4;
      d[o.r] = blend(d[o.r], s[0], s[3]);
      d[o.g] = blend(d[o.g], s[1], s[3]);
      d[o.b] = blend(d[o.b], s[2], s[3]);
    }
  }
}

// A cursor bitmap as straight RGBA, whatever 32-bit order the compositor used.
bool readBitmap(const spa_meta_bitmap& bitmap, CursorImage& out) {
  const int w = static_cast<int>(bitmap.size.width), h = static_cast<int>(bitmap.size.height);
  const std::optional<PixelOrder> order = orderOf(bitmap.format);
  if (!order || w <= 0 || h <= 0 || w > kMaxCursorPx || h > kMaxCursorPx) return false;
  const bool hasAlpha =
      bitmap.format == SPA_VIDEO_FORMAT_RGBA || bitmap.format == SPA_VIDEO_FORMAT_BGRA ||
      bitmap.format == SPA_VIDEO_FORMAT_ARGB || bitmap.format == SPA_VIDEO_FORMAT_ABGR;
  const RgbOffsets o = offsetsOf(*order);
  const int alphaAt = 6 - o.r - o.g - o.b;  // the byte that is none of R, G, B
  const auto* src = SPA_PTROFF(&bitmap, bitmap.offset, const uint8_t);
  out.width = w, out.height = h;
  out.rgba.resize(static_cast<size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y) {
    const uint8_t* row = src + static_cast<size_t>(y) * bitmap.stride;
    for (int x = 0; x < w; ++x) {
      const uint8_t* s = row + x * 4;
      uint8_t* d = out.rgba.data() + (static_cast<size_t>(y) * w + x) * 4;
      d[0] = s[o.r], d[1] = s[o.g], d[2] = s[o.b], d[3] = hasAlpha ? s[alphaAt] : 255;
    }
  }
  return true;
}

class LoopLock {
 public:
  explicit LoopLock(pw_thread_loop* loop) : loop_(loop) { pw_thread_loop_lock(loop_); }
  ~LoopLock() { pw_thread_loop_unlock(loop_); }
  LoopLock(const LoopLock&) = delete;
  LoopLock& operator=(const LoopLock&) = delete;

 private:
  pw_thread_loop* loop_;
};

}  // namespace

struct PipeWireSource::Impl {
  explicit Impl(const PipeWireSourceOptions& o) : options(o) {}
  ~Impl();

  void open();
  void connectCore();
  void listNodes();
  uint32_t resolveTarget();
  void connectStream(uint32_t target);
  void waitForFormat();
  bool waitUntil(const timespec& deadline);
  [[noreturn]] void fail(const std::string& message);
  std::string nodeLabel() const;
  std::string askedSize() const;

  // Loop thread (PipeWire callbacks; the loop lock is held).
  void onFormat(const spa_pod* param);
  void requestBuffers(bool allowDmaBuf);
  void onAddBuffer(pw_buffer* b);
  void onRemoveBuffer(pw_buffer* b);
  void onProcess();
  bool hasNewPicture(spa_buffer* buf) const;
  void readCursor(spa_buffer* buf);
  std::optional<Picture> pictureOf(pw_buffer* b);
  void setFailure(const std::string& message);

  // Worker thread.
  GrabResult grab();
  bool takeNewest(CursorImage* cursorOut);
  const uint8_t* compose(const CursorImage& cursor);
  void describe();

  PipeWireSourceOptions options;
  pw_thread_loop* loop = nullptr;
  pw_context* context = nullptr;
  pw_core* core = nullptr;
  pw_registry* registry = nullptr;
  pw_stream* stream = nullptr;
  spa_hook coreListener{};
  spa_hook registryListener{};
  spa_hook streamListener{};
  timespec startDeadline{};  // the first frame must arrive before this

  // Shared between the threads, under the loop lock.
  std::map<uint32_t, std::string> nodes;  // id -> node.name
  int syncSeq = -1;
  bool synced = false;
  uint32_t targetId = SPA_ID_INVALID;
  std::string failure;
  bool haveFormat = false;
  spa_video_info_raw format{};
  bool deliveredSinceFormat = false;
  std::optional<Picture> pending;  // the one-slot mailbox
  Picture held;                    // the worker's current picture
  CursorImage cursor;
  std::string note;  // e.g. why a DMA-BUF offer was refused
  // Held by the worker from grab() to releaseFrame() while it reads a
  // picture in place: onRemoveBuffer waits for it before copying.
  std::mutex readMutex;
  std::unique_lock<std::mutex> reading{readMutex, std::defer_lock};

  // Worker only.
  bool haveFrame = false;
  uint64_t drawnCursorSerial = 0;
  bool cursorDrawn = false;
  std::vector<uint8_t> composed;
  const uint8_t* lastPixels = nullptr;
  int lastStrideBytes = 0;
  int width = 0;
  int height = 0;
  PixelOrder order = PixelOrder::kBgrx;
  std::string mode;
};

namespace {

template <typename F>
F* implOf(void* data) {
  return static_cast<F*>(data);
}
using Impl = PipeWireSource::Impl;

void onCoreDone(void* data, uint32_t id, int seq) {
  Impl* s = implOf<Impl>(data);
  if (id == PW_ID_CORE && seq == s->syncSeq) {
    s->synced = true;
    pw_thread_loop_signal(s->loop, false);
  }
}

void onCoreError(void* data, uint32_t id, int, int res, const char* message) {
  Impl* s = implOf<Impl>(data);
  // Errors about other objects (a refused param) are the stream's to report.
  if (id != PW_ID_CORE) return;
  s->setFailure(res == -EPIPE ? "the PipeWire daemon went away"
                              : std::string("PipeWire error: ") + (message ? message : "") + " (" +
                                    spa_strerror(res) + ")");
}

const pw_core_events kCoreEvents = [] {
  pw_core_events e{};
  e.version = PW_VERSION_CORE_EVENTS;
  e.done = onCoreDone;
  e.error = onCoreError;
  return e;
}();

void onGlobal(void* data, uint32_t id, uint32_t, const char* type, uint32_t,
              const spa_dict* props) {
  if (std::strcmp(type, PW_TYPE_INTERFACE_Node) != 0) return;
  const char* name = props ? spa_dict_lookup(props, PW_KEY_NODE_NAME) : nullptr;
  implOf<Impl>(data)->nodes[id] = name ? name : "";
}

void onGlobalRemove(void* data, uint32_t id) {
  Impl* s = implOf<Impl>(data);
  s->nodes.erase(id);
  if (id == s->targetId) s->setFailure("the node was removed (its producer stopped)");
}

const pw_registry_events kRegistryEvents = [] {
  pw_registry_events e{};
  e.version = PW_VERSION_REGISTRY_EVENTS;
  e.global = onGlobal;
  e.global_remove = onGlobalRemove;
  return e;
}();

void onStateChanged(void* data, pw_stream_state, pw_stream_state state, const char* error) {
  Impl* s = implOf<Impl>(data);
  if (state == PW_STREAM_STATE_ERROR) {
    s->setFailure("the PipeWire stream failed: " + std::string(error ? error : "unknown error"));
  } else if (state == PW_STREAM_STATE_UNCONNECTED) {
    // Before a format: the session manager found none both sides take.
    const std::string asked = s->haveFormat ? "" : s->askedSize();
    s->setFailure(
        "the PipeWire stream was disconnected" +
        (asked.empty() ? "" : " before a format was agreed (the node cannot make " + asked + "?)"));
  }
}

void onParamChanged(void* data, uint32_t id, const spa_pod* param) {
  if (id == SPA_PARAM_Format && param) implOf<Impl>(data)->onFormat(param);
}

const pw_stream_events kStreamEvents = [] {
  pw_stream_events e{};
  e.version = PW_VERSION_STREAM_EVENTS;
  e.state_changed = onStateChanged;
  e.param_changed = onParamChanged;
  e.add_buffer = [](void* data, pw_buffer* b) { implOf<Impl>(data)->onAddBuffer(b); };
  e.remove_buffer = [](void* data, pw_buffer* b) { implOf<Impl>(data)->onRemoveBuffer(b); };
  e.process = [](void* data) { implOf<Impl>(data)->onProcess(); };
  return e;
}();

// What we read: 32-bit RGB in any byte order; no modifier, so a DMA-BUF
// producer either gives a linear buffer or shared memory. Any size and rate,
// or (options.fixedWidth/maxFps) exactly the size and the highest rate the
// session wants: Mutter's virtual monitor takes its mode from the negotiated
// size and maxFramerate.
const spa_pod* buildEnumFormat(spa_pod_builder* b, const PipeWireSourceOptions& o) {
  const spa_rectangle defSize = SPA_RECTANGLE(1920, 1080), minSize = SPA_RECTANGLE(1, 1),
                      maxSize = SPA_RECTANGLE(8192, 8192);
  const spa_fraction defRate = SPA_FRACTION(60, 1), minRate = SPA_FRACTION(0, 1),
                     maxRate = SPA_FRACTION(1000, 1);
  spa_pod_frame frame;
  spa_pod_builder_push_object(b, &frame, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat);
  spa_pod_builder_add(
      b, SPA_FORMAT_mediaType, SPA_POD_Id(SPA_MEDIA_TYPE_video), SPA_FORMAT_mediaSubtype,
      SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw), SPA_FORMAT_VIDEO_format,
      SPA_POD_CHOICE_ENUM_Id(7, SPA_VIDEO_FORMAT_BGRx, SPA_VIDEO_FORMAT_BGRx, SPA_VIDEO_FORMAT_BGRA,
                             SPA_VIDEO_FORMAT_RGBx, SPA_VIDEO_FORMAT_RGBA, SPA_VIDEO_FORMAT_xRGB,
                             SPA_VIDEO_FORMAT_xBGR),
      SPA_FORMAT_VIDEO_framerate, SPA_POD_CHOICE_RANGE_Fraction(&defRate, &minRate, &maxRate), 0);
  if (o.fixedWidth > 0 && o.fixedHeight > 0) {
    const spa_rectangle size =
        SPA_RECTANGLE(static_cast<uint32_t>(o.fixedWidth), static_cast<uint32_t>(o.fixedHeight));
    spa_pod_builder_add(b, SPA_FORMAT_VIDEO_size, SPA_POD_Rectangle(&size), 0);
  } else {
    spa_pod_builder_add(b, SPA_FORMAT_VIDEO_size,
                        SPA_POD_CHOICE_RANGE_Rectangle(&defSize, &minSize, &maxSize), 0);
  }
  if (o.maxFps > 0) {
    const spa_fraction rate = SPA_FRACTION(static_cast<uint32_t>(o.maxFps), 1);
    spa_pod_builder_add(b, SPA_FORMAT_VIDEO_maxFramerate, SPA_POD_Fraction(&rate), 0);
  }
  return static_cast<const spa_pod*>(spa_pod_builder_pop(b, &frame));
}

timespec addMs(const timespec& t, int ms) {
  timespec out = t;
  out.tv_sec += ms / 1000;
  out.tv_nsec += static_cast<long>(ms % 1000) * 1'000'000;
  if (out.tv_nsec >= 1'000'000'000) out.tv_sec += 1, out.tv_nsec -= 1'000'000'000;
  return out;
}

}  // namespace

void PipeWireSource::Impl::setFailure(const std::string& message) {
  if (failure.empty()) failure = message;
  pw_thread_loop_signal(loop, false);
}

std::string PipeWireSource::Impl::nodeLabel() const {
  if (options.nodeId >= 0) return "PipeWire node " + std::to_string(options.nodeId);
  return "PipeWire node '" + options.nodeName + "'";
}

void PipeWireSource::Impl::fail(const std::string& message) {
  throw MediaError(code::kCaptureUnavailable, "cannot capture " + nodeLabel() + ": " + message);
}

// Waits on the loop's condition (lock held) until signalled or `deadline`;
// false on timeout.
bool PipeWireSource::Impl::waitUntil(const timespec& deadline) {
  timespec t = deadline;
  return pw_thread_loop_timed_wait_full(loop, &t) == 0;
}

void PipeWireSource::Impl::open() {
  pw_init(nullptr, nullptr);
  loop = pw_thread_loop_new("punktfunk-pw", nullptr);
  if (!loop) fail("cannot create a PipeWire thread loop");
  context = pw_context_new(pw_thread_loop_get_loop(loop), nullptr, 0);
  if (!context) fail(std::string("cannot create a PipeWire context: ") + std::strerror(errno));
  if (pw_thread_loop_start(loop) < 0) fail("cannot start the PipeWire thread loop");
  LoopLock lock(loop);
  pw_thread_loop_get_time(loop, &startDeadline, 0);
  startDeadline = addMs(startDeadline, options.stallTimeoutMs);
  connectCore();
  listNodes();
  const uint32_t target = resolveTarget();
  connectStream(target);
  waitForFormat();
}

void PipeWireSource::Impl::connectCore() {
  if (options.fd >= 0) {
    // pw_context_connect_fd owns (and closes) the fd it is given.
    const int fd = fcntl(options.fd, F_DUPFD_CLOEXEC, 3);
    if (fd < 0) fail(std::string("cannot use the PipeWire remote fd: ") + std::strerror(errno));
    core = pw_context_connect_fd(context, fd, nullptr, 0);
  } else {
    core = pw_context_connect(context, nullptr, 0);
  }
  if (!core) {
    fail(std::string("cannot connect to the PipeWire daemon (") + std::strerror(errno) +
         "; is pipewire running for this user, with XDG_RUNTIME_DIR set?)");
  }
  pw_core_add_listener(core, &coreListener, &kCoreEvents, this);
}

// One round trip: afterwards the registry has told us every node.
void PipeWireSource::Impl::listNodes() {
  registry = pw_core_get_registry(core, PW_VERSION_REGISTRY, 0);
  pw_registry_add_listener(registry, &registryListener, &kRegistryEvents, this);
  syncSeq = pw_core_sync(core, PW_ID_CORE, 0);
  while (!synced && failure.empty()) {
    if (!waitUntil(startDeadline)) fail("the PipeWire daemon did not answer");
  }
  if (!failure.empty()) fail(failure);
}

uint32_t PipeWireSource::Impl::resolveTarget() {
  if (options.nodeId >= 0) {
    const auto id = static_cast<uint32_t>(options.nodeId);
    if (!nodes.count(id)) fail("no such node on the PipeWire daemon");
    return id;
  }
  for (const auto& [id, name] : nodes) {
    if (name == options.nodeName) return id;
  }
  fail("no node of that name on the PipeWire daemon");
}

void PipeWireSource::Impl::connectStream(uint32_t target) {
  targetId = target;
  pw_properties* props =
      pw_properties_new(PW_KEY_MEDIA_TYPE, "Video", PW_KEY_MEDIA_CATEGORY, "Capture",
                        PW_KEY_MEDIA_ROLE, "Screen", PW_KEY_NODE_NAME, "punktfunk-capture",
                        // Never moved to another source when ours goes away.
                        PW_KEY_NODE_DONT_RECONNECT, "true", nullptr);
  if (!options.nodeName.empty())
    pw_properties_set(props, PW_KEY_TARGET_OBJECT, options.nodeName.c_str());
  stream = pw_stream_new(core, "punktfunk capture", props);
  if (!stream) fail(std::string("cannot create a PipeWire stream: ") + std::strerror(errno));
  pw_stream_add_listener(stream, &streamListener, &kStreamEvents, this);
  uint8_t buffer[1024];
  spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
  const spa_pod* params[1] = {buildEnumFormat(&b, options)};
  // No MAP_BUFFERS: we map each buffer ourselves (see Mapping).
  const auto flags =
      static_cast<pw_stream_flags>(PW_STREAM_FLAG_AUTOCONNECT | PW_STREAM_FLAG_DONT_RECONNECT);
  const int res = pw_stream_connect(stream, PW_DIRECTION_INPUT, target, flags, params, 1);
  if (res < 0) fail(std::string("cannot connect the stream: ") + spa_strerror(res));
}

// For the negotiation errors: "640x360@30", the fixed mode we asked for; "" when none.
std::string PipeWireSource::Impl::askedSize() const {
  if (options.fixedWidth <= 0) return "";
  std::string rate = options.maxFps > 0 ? "@" + std::to_string(options.maxFps) : "";
  return std::to_string(options.fixedWidth) + "x" + std::to_string(options.fixedHeight) + rate;
}

void PipeWireSource::Impl::waitForFormat() {
  while (!haveFormat && failure.empty()) {
    if (!waitUntil(startDeadline)) {
      fail("no video format negotiated within " + std::to_string(options.stallTimeoutMs) +
           " ms (not a video source, a format we cannot read" +
           (askedSize().empty() ? "" : ", not at " + askedSize()) +
           ", or no session manager linked us)");
    }
  }
  if (!failure.empty()) fail(failure);
  width = static_cast<int>(format.size.width);
  height = static_cast<int>(format.size.height);
  order = orderOf(format.format).value_or(PixelOrder::kBgrx);
  describe();
}

void PipeWireSource::Impl::onFormat(const spa_pod* param) {
  spa_video_info_raw info{};
  uint32_t mediaType = 0, mediaSubtype = 0;
  if (spa_format_parse(param, &mediaType, &mediaSubtype) < 0 || mediaType != SPA_MEDIA_TYPE_video ||
      mediaSubtype != SPA_MEDIA_SUBTYPE_raw || spa_format_video_raw_parse(param, &info) < 0 ||
      !orderOf(info.format) || info.size.width < 2 || info.size.height < 2) {
    setFailure("the node's video format is not one we read (32-bit RGB, raw)");
    return;
  }
  // A producer whose port already had a format may hand that one over
  // instead of failing: a fixed size that is not ours is not 1:1.
  if (options.fixedWidth > 0 && (static_cast<int>(info.size.width) != options.fixedWidth ||
                                 static_cast<int>(info.size.height) != options.fixedHeight)) {
    setFailure("the node gave " + std::to_string(info.size.width) + "x" +
               std::to_string(info.size.height) + ", not the size asked for (" + askedSize() + ")");
    return;
  }
  format = info;
  haveFormat = true;
  deliveredSinceFormat = false;
  const bool modifier = (info.flags & SPA_VIDEO_FLAG_MODIFIER) != 0;
  const bool linear = !modifier || info.modifier == kLinearModifier;
  if (!linear) {
    char hex[32];
    std::snprintf(hex, sizeof(hex), "0x%llx", static_cast<unsigned long long>(info.modifier));
    note = std::string("DMA-BUF refused: modifier ") + hex +
           " is not linear, asked for shared memory instead";
    std::fprintf(stderr, "punktfunk: %s: %s\n", nodeLabel().c_str(), note.c_str());
  }
  requestBuffers(linear);
  pw_thread_loop_signal(loop, false);
}

void PipeWireSource::Impl::requestBuffers(bool allowDmaBuf) {
  uint8_t buffer[1024];
  spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
  int dataTypes = (1 << SPA_DATA_MemFd) | (1 << SPA_DATA_MemPtr);
  if (allowDmaBuf) dataTypes |= 1 << SPA_DATA_DmaBuf;
  const int region = sizeof(spa_meta_region);
  const spa_pod* params[4];
  uint32_t count = 0;
  params[count++] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
      &b, SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers, SPA_PARAM_BUFFERS_buffers,
      SPA_POD_CHOICE_RANGE_Int(kDefaultBuffers, kMinBuffers, kMaxBuffers), SPA_PARAM_BUFFERS_blocks,
      SPA_POD_Int(1), SPA_PARAM_BUFFERS_dataType, SPA_POD_CHOICE_FLAGS_Int(dataTypes)));
  params[count++] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
      &b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta, SPA_PARAM_META_type,
      SPA_POD_Id(SPA_META_Header), SPA_PARAM_META_size, SPA_POD_Int(sizeof(spa_meta_header))));
  params[count++] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
      &b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta, SPA_PARAM_META_type,
      SPA_POD_Id(SPA_META_VideoDamage), SPA_PARAM_META_size,
      SPA_POD_CHOICE_RANGE_Int(region * kMaxDamageRegions, region, region * kMaxDamageRegions)));
  if (options.cursor) {
    params[count++] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
        &b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta, SPA_PARAM_META_type,
        SPA_POD_Id(SPA_META_Cursor), SPA_PARAM_META_size,
        SPA_POD_CHOICE_RANGE_Int(cursorMetaBytes(kDefaultCursorPx), cursorMetaBytes(1),
                                 cursorMetaBytes(kMaxCursorPx))));
  }
  pw_stream_update_params(stream, params, count);
}

// Maps MemFd and (linear) DMA-BUF memory read-only, for the buffer's life
// and as long as the worker still reads it.
void PipeWireSource::Impl::onAddBuffer(pw_buffer* b) {
  spa_data& d = b->buffer->datas[0];
  auto mapping = std::make_shared<Mapping>();
  if (d.type == SPA_DATA_MemFd || d.type == SPA_DATA_DmaBuf) {
    mapping->length = d.mapoffset + d.maxsize;
    mapping->base =
        mmap(nullptr, mapping->length, PROT_READ, MAP_SHARED, static_cast<int>(d.fd), 0);
    if (mapping->base == MAP_FAILED) {
      setFailure(std::string("cannot map a ") + dataTypeName(d.type) +
                 " buffer: " + std::strerror(errno));
    }
  }
  b->user_data = new std::shared_ptr<Mapping>(std::move(mapping));
}

// A renegotiation removes every buffer, and the stream unmaps MemPtr memory
// right after this returns. The picture the worker shows is then copied
// (once per renegotiation), after the converter is done reading it.
void PipeWireSource::Impl::onRemoveBuffer(pw_buffer* b) {
  if (pending && pending->buffer == b) pending.reset();
  if (held.buffer == b) {
    std::lock_guard<std::mutex> reading(readMutex);
    held.buffer = nullptr;
    if (!held.memory && held.pixels) {
      auto copy = std::make_shared<Mapping>();
      const size_t bytes = static_cast<size_t>(held.strideBytes) * held.height;
      copy->copy.assign(held.pixels, held.pixels + bytes);
      held.pixels = copy->bytes();
      held.memory = std::move(copy);
    }
  }
  delete static_cast<std::shared_ptr<Mapping>*>(b->user_data);
  b->user_data = nullptr;
}

// A buffer with no new picture: an empty or corrupted chunk (a cursor-only
// update), or damage metadata that names no region.
bool PipeWireSource::Impl::hasNewPicture(spa_buffer* buf) const {
  const spa_data& d = buf->datas[0];
  if (d.chunk->size == 0 || (d.chunk->flags & SPA_CHUNK_FLAG_CORRUPTED)) return false;
  if (auto* h = static_cast<spa_meta_header*>(
          spa_buffer_find_meta_data(buf, SPA_META_Header, sizeof(spa_meta_header)))) {
    if (h->flags & SPA_META_HEADER_FLAG_CORRUPTED) return false;
  }
  if (!deliveredSinceFormat) return true;
  auto* damage = static_cast<spa_meta*>(spa_buffer_find_meta(buf, SPA_META_VideoDamage));
  if (!damage || damage->size < sizeof(spa_meta_region)) return true;
  // The list ends at the first empty region: an empty first one means "nothing changed".
  return spa_meta_region_is_valid(static_cast<const spa_meta_region*>(damage->data));
}

void PipeWireSource::Impl::readCursor(spa_buffer* buf) {
  if (!options.cursor) return;
  auto* c = static_cast<spa_meta_cursor*>(
      spa_buffer_find_meta_data(buf, SPA_META_Cursor, sizeof(spa_meta_cursor)));
  if (!c) return;
  if (!spa_meta_cursor_is_valid(c)) {
    if (cursor.visible) cursor.visible = false, ++cursor.serial;
    return;
  }
  bool changed = !cursor.visible || cursor.x != c->position.x || cursor.y != c->position.y ||
                 cursor.hotX != c->hotspot.x || cursor.hotY != c->hotspot.y;
  cursor.visible = true;
  cursor.x = c->position.x, cursor.y = c->position.y;
  cursor.hotX = c->hotspot.x, cursor.hotY = c->hotspot.y;
  // A bitmap comes only when the cursor's image changed.
  if (c->bitmap_offset >= sizeof(spa_meta_cursor)) {
    const auto* bitmap = SPA_PTROFF(c, c->bitmap_offset, const spa_meta_bitmap);
    changed = readBitmap(*bitmap, cursor) || changed;
  }
  if (changed) ++cursor.serial;
}

std::optional<Picture> PipeWireSource::Impl::pictureOf(pw_buffer* b) {
  const spa_data& d = b->buffer->datas[0];
  Picture p;
  p.buffer = b;
  p.width = static_cast<int>(format.size.width);
  p.height = static_cast<int>(format.size.height);
  p.format = format.format;
  p.dataType = d.type;
  p.strideBytes = d.chunk->stride > 0 ? d.chunk->stride : p.width * 4;
  const size_t needed = static_cast<size_t>(d.chunk->offset) +
                        static_cast<size_t>(p.strideBytes) * (p.height - 1) + p.width * 4;
  if (p.strideBytes < p.width * 4 || needed > d.maxsize) return std::nullopt;
  auto* mapping = static_cast<std::shared_ptr<Mapping>*>(b->user_data);
  if (d.type == SPA_DATA_MemPtr && d.data) {
    p.pixels = static_cast<const uint8_t*>(d.data) + d.chunk->offset;
    return p;
  }
  if (!mapping || (*mapping)->base == MAP_FAILED) return std::nullopt;
  p.memory = *mapping;
  p.pixels = (*mapping)->bytes() + d.mapoffset + d.chunk->offset;
  return p;
}

// The newest picture goes into the mailbox; every older one (and the one the
// worker never took) goes straight back to the producer.
void PipeWireSource::Impl::onProcess() {
  pw_buffer* newest = nullptr;
  while (pw_buffer* b = pw_stream_dequeue_buffer(stream)) {
    readCursor(b->buffer);
    if (!haveFormat || !hasNewPicture(b->buffer)) {
      pw_stream_queue_buffer(stream, b);
      continue;
    }
    if (newest) pw_stream_queue_buffer(stream, newest);
    newest = b;
  }
  if (!newest) return;
  std::optional<Picture> picture = pictureOf(newest);
  if (!picture) {
    pw_stream_queue_buffer(stream, newest);
    return;
  }
  if (pending && pending->buffer) pw_stream_queue_buffer(stream, pending->buffer);
  pending = std::move(picture);
  deliveredSinceFormat = true;
  pw_thread_loop_signal(loop, false);
}

// Under the loop lock: the mailbox's picture becomes the worker's (the
// previous one goes back to the producer), and the cursor is copied if it
// changed. False when there is nothing new to show.
bool PipeWireSource::Impl::takeNewest(CursorImage* cursorOut) {
  LoopLock lock(loop);
  if (!failure.empty()) fail(failure);
  while (!haveFrame && !pending && failure.empty()) {
    if (!waitUntil(startDeadline)) {
      fail("no frame within " + std::to_string(options.stallTimeoutMs) +
           " ms of connecting (the stream stalled)");
    }
  }
  if (!failure.empty()) fail(failure);
  bool changed = false;
  if (pending) {
    if (held.buffer) pw_stream_queue_buffer(stream, held.buffer);
    held = std::move(*pending);
    pending.reset();
    changed = true;
  }
  const bool cursorVisible = options.cursor && cursor.visible;
  if (cursor.serial != drawnCursorSerial && (cursorVisible || cursorDrawn)) changed = true;
  drawnCursorSerial = cursor.serial;
  if (changed && cursorVisible) *cursorOut = cursor;
  return changed;
}

// The compositor's buffer is read-only (and the producer's): the cursor is
// drawn into a copy. Costs one frame copy a frame while a cursor is visible;
// a portal session can ask for an embedded cursor instead.
const uint8_t* PipeWireSource::Impl::compose(const CursorImage& c) {
  const size_t rowBytes = static_cast<size_t>(held.width) * 4;
  composed.resize(rowBytes * held.height);
  for (int y = 0; y < held.height; ++y) {
    std::memcpy(composed.data() + rowBytes * y,
                held.pixels + static_cast<size_t>(held.strideBytes) * y, rowBytes);
  }
  drawCursor(c, composed.data(), static_cast<int>(rowBytes), held.width, held.height, order);
  return composed.data();
}

void PipeWireSource::Impl::describe() {
  const char* type = held.pixels ? dataTypeName(held.dataType) : "negotiating";
  mode = "pipewire node " + std::to_string(targetId) + " " + std::to_string(width) + "x" +
         std::to_string(height) + " " +
         formatName(held.pixels ? held.format : static_cast<uint32_t>(format.format)) + " (" +
         type + (note.empty() ? "" : "; " + note) + ")";
}

GrabResult PipeWireSource::Impl::grab() {
  CursorImage cursorNow;
  const bool changed = takeNewest(&cursorNow);
  GrabResult result;
  if (!changed && haveFrame) {
    result.repeated = true;
    result.pixels = lastPixels;
    result.strideBytes = lastStrideBytes;
    return result;
  }
  // Before the loop thread can next touch `held` (it copies under this lock).
  reading.lock();
  // The picture's own size and order: after a renegotiation they differ
  // from the previous picture's, and the capture stage follows.
  width = held.width, height = held.height;
  order = orderOf(held.format).value_or(PixelOrder::kBgrx);
  describe();
  cursorDrawn = cursorNow.visible;
  lastPixels = cursorNow.visible ? compose(cursorNow) : held.pixels;
  lastStrideBytes = cursorNow.visible ? held.width * 4 : held.strideBytes;
  haveFrame = true;
  result.pixels = lastPixels;
  result.strideBytes = lastStrideBytes;
  return result;
}

// The loop stops first (no callback runs afterwards); then everything it
// served is destroyed in reverse order of creation.
PipeWireSource::Impl::~Impl() {
  if (reading.owns_lock()) reading.unlock();
  if (loop) pw_thread_loop_stop(loop);
  if (stream) pw_stream_destroy(stream);
  if (registry) {
    spa_hook_remove(&registryListener);
    pw_proxy_destroy(reinterpret_cast<pw_proxy*>(registry));
  }
  if (core) {
    spa_hook_remove(&coreListener);
    pw_core_disconnect(core);
  }
  if (context) pw_context_destroy(context);
  if (loop) pw_thread_loop_destroy(loop);
}

PipeWireSource::PipeWireSource(const PipeWireSourceOptions& options)
    : impl_(std::make_unique<Impl>(options)) {
  impl_->open();
}

PipeWireSource::~PipeWireSource() = default;

int PipeWireSource::width() const { return impl_->width; }
int PipeWireSource::height() const { return impl_->height; }
PixelOrder PipeWireSource::pixelOrder() const { return impl_->order; }
const char* PipeWireSource::mode() const { return impl_->mode.c_str(); }

GrabResult PipeWireSource::grab(uint64_t, uint8_t*, int) { return impl_->grab(); }

void PipeWireSource::releaseFrame() {
  if (impl_->reading.owns_lock()) impl_->reading.unlock();
}

}  // namespace media
