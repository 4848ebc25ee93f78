// A PipeWire video source node for the PipeWire capture tests and benchmark.
// Not shipped.
//
//   pw_test_producer NAME WIDTHxHEIGHT FORMAT [FPS] [--animate] [--paused] [--memfd]
//
// FORMAT: BGRx, BGRA, RGBx, RGBA, xRGB or xBGR. The picture: four quadrants,
// red (top left), green (top right), blue (bottom left), white (bottom right),
// like x11_test_window. --animate moves a 64 px grey square across it (the
// benchmark's moving content). --paused starts without sending (a stream
// that negotiates and then stalls). --memfd allocates the buffers itself as
// memfds, as compositors do (otherwise PipeWire's own pool: MemPtr). Damage metadata: the whole
// frame when the picture changed, no region when it did not.
//
// Prints "ready <node id>" once the node exists, "streaming" when linked.
// Commands on stdin, one a line:
//   resize W H   renegotiate to a new size
//   pause        stop sending buffers (the consumer sees nothing new)
//   resume       send again
//   cursor X Y   send a 16x16 cursor (black, white border) as metadata at X,Y
//   stop         disconnect and exit
#include <pipewire/pipewire.h>
#include <spa/debug/types.h>
#include <spa/param/video/format-utils.h>
#include <spa/param/video/type-info.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

constexpr int kCursorSize = 16;
constexpr int kSquareSize = 64;

struct Producer {
  pw_main_loop* loop = nullptr;
  pw_stream* stream = nullptr;
  spa_source* timer = nullptr;
  spa_video_format format = SPA_VIDEO_FORMAT_BGRx;
  int width = 0;
  int height = 0;
  int fps = 30;
  bool animate = false;
  bool paused = false;
  bool memfd = false;
  bool announced = false;
  bool fullDamagePending = true;  // first frame after a (re)negotiation
  int cursorX = -1;
  int cursorY = -1;
  bool cursorChanged = false;
  uint64_t frame = 0;
  std::string line;
};

spa_video_format parseFormat(const char* name) {
  if (!std::strcmp(name, "BGRx")) return SPA_VIDEO_FORMAT_BGRx;
  if (!std::strcmp(name, "BGRA")) return SPA_VIDEO_FORMAT_BGRA;
  if (!std::strcmp(name, "RGBx")) return SPA_VIDEO_FORMAT_RGBx;
  if (!std::strcmp(name, "RGBA")) return SPA_VIDEO_FORMAT_RGBA;
  if (!std::strcmp(name, "xRGB")) return SPA_VIDEO_FORMAT_xRGB;
  if (!std::strcmp(name, "xBGR")) return SPA_VIDEO_FORMAT_xBGR;
  std::fprintf(stderr, "unknown format %s\n", name);
  std::exit(2);
}

// Byte positions of R, G, B in a pixel of `format` (the fourth byte is X/A).
void channelOffsets(spa_video_format format, int* r, int* g, int* b, int* a) {
  switch (format) {
    case SPA_VIDEO_FORMAT_RGBx:
    case SPA_VIDEO_FORMAT_RGBA:
      *r = 0, *g = 1, *b = 2, *a = 3;
      return;
    case SPA_VIDEO_FORMAT_xRGB:
      *a = 0, *r = 1, *g = 2, *b = 3;
      return;
    case SPA_VIDEO_FORMAT_xBGR:
      *a = 0, *b = 1, *g = 2, *r = 3;
      return;
    default:  // BGRx, BGRA
      *b = 0, *g = 1, *r = 2, *a = 3;
  }
}

uint32_t quadrantRgb(int x, int y, int width, int height) {
  const bool right = x >= width / 2, bottom = y >= height / 2;
  if (!bottom) return right ? 0x00ff00 : 0xff0000;
  return right ? 0xffffff : 0x0000ff;
}

void fillFrame(const Producer& p, uint8_t* dst, int stride) {
  int r, g, b, a;
  channelOffsets(p.format, &r, &g, &b, &a);
  const int squareX = p.animate ? static_cast<int>((p.frame * 8) % (p.width - kSquareSize)) : -1;
  const int squareY = (p.height - kSquareSize) / 2;
  for (int y = 0; y < p.height; ++y) {
    uint8_t* row = dst + static_cast<size_t>(y) * stride;
    for (int x = 0; x < p.width; ++x) {
      uint32_t rgb = quadrantRgb(x, y, p.width, p.height);
      if (squareX >= 0 && x >= squareX && x < squareX + kSquareSize && y >= squareY &&
          y < squareY + kSquareSize) {
        rgb = 0x808080;
      }
      uint8_t* px = row + static_cast<size_t>(x) * 4;
      px[r] = rgb >> 16, px[g] = (rgb >> 8) & 0xff, px[b] = rgb & 0xff, px[a] = 0xff;
    }
  }
}

void addDamage(Producer& p, spa_buffer* buf, bool changed) {
  auto* damage = static_cast<spa_meta*>(spa_buffer_find_meta(buf, SPA_META_VideoDamage));
  if (!damage) return;
  auto* regions = static_cast<spa_meta_region*>(damage->data);
  const size_t count = damage->size / sizeof(spa_meta_region);
  if (count == 0) return;
  // A region of size 0 ends the list.
  if (changed) {
    regions[0].region =
        SPA_REGION(0, 0, static_cast<uint32_t>(p.width), static_cast<uint32_t>(p.height));
    if (count > 1) regions[1].region = SPA_REGION(0, 0, 0, 0);
  } else {
    regions[0].region = SPA_REGION(0, 0, 0, 0);
  }
}

void addCursor(Producer& p, spa_buffer* buf) {
  auto* cursor = static_cast<spa_meta_cursor*>(
      spa_buffer_find_meta_data(buf, SPA_META_Cursor, sizeof(spa_meta_cursor)));
  if (!cursor) return;
  if (p.cursorX < 0) {
    cursor->id = 0;  // no cursor
    return;
  }
  cursor->id = 1;
  cursor->flags = 0;
  cursor->position = SPA_POINT(p.cursorX, p.cursorY);
  cursor->hotspot = SPA_POINT(0, 0);
  cursor->bitmap_offset = 0;
  if (!p.cursorChanged) return;
  // The bitmap only when it changed, as compositors do.
  cursor->bitmap_offset = sizeof(spa_meta_cursor);
  auto* bitmap = SPA_PTROFF(cursor, cursor->bitmap_offset, spa_meta_bitmap);
  bitmap->format = SPA_VIDEO_FORMAT_RGBA;
  bitmap->size = SPA_RECTANGLE(kCursorSize, kCursorSize);
  bitmap->stride = kCursorSize * 4;
  bitmap->offset = sizeof(spa_meta_bitmap);
  auto* pixels = SPA_PTROFF(bitmap, bitmap->offset, uint8_t);
  for (int y = 0; y < kCursorSize; ++y) {
    for (int x = 0; x < kCursorSize; ++x) {
      const bool border = x == 0 || y == 0 || x == kCursorSize - 1 || y == kCursorSize - 1;
      uint8_t* px = pixels + (y * kCursorSize + x) * 4;
      px[0] = px[1] = px[2] = border ? 255 : 0;
      px[3] = 255;
    }
  }
  p.cursorChanged = false;
}

void onProcess(void* data) {
  auto& p = *static_cast<Producer*>(data);
  pw_buffer* b = pw_stream_dequeue_buffer(p.stream);
  if (!b) return;
  spa_buffer* buf = b->buffer;
  spa_data& d = buf->datas[0];
  if (!d.data) return;
  const int stride = p.width * 4;
  const bool changed = p.animate || p.fullDamagePending || p.cursorChanged;
  fillFrame(p, static_cast<uint8_t*>(d.data), stride);
  addDamage(p, buf, changed || p.animate);
  addCursor(p, buf);
  p.fullDamagePending = false;
  if (auto* h = static_cast<spa_meta_header*>(
          spa_buffer_find_meta_data(buf, SPA_META_Header, sizeof(spa_meta_header)))) {
    h->pts = -1;
    h->flags = 0;
    h->seq = p.frame;
    h->dts_offset = 0;
  }
  d.chunk->offset = 0;
  d.chunk->size = static_cast<uint32_t>(stride * p.height);
  d.chunk->stride = stride;
  ++p.frame;
  pw_stream_queue_buffer(p.stream, b);
}

void onTimer(void* data, uint64_t) {
  auto& p = *static_cast<Producer*>(data);
  if (!p.paused) pw_stream_trigger_process(p.stream);
}

const spa_pod* buildFormat(const Producer& p, spa_pod_builder* b) {
  const spa_rectangle size =
      SPA_RECTANGLE(static_cast<uint32_t>(p.width), static_cast<uint32_t>(p.height));
  const spa_fraction rate = SPA_FRACTION(static_cast<uint32_t>(p.fps), 1);
  return static_cast<const spa_pod*>(spa_pod_builder_add_object(
      b, SPA_TYPE_OBJECT_Format, SPA_PARAM_EnumFormat, SPA_FORMAT_mediaType,
      SPA_POD_Id(SPA_MEDIA_TYPE_video), SPA_FORMAT_mediaSubtype, SPA_POD_Id(SPA_MEDIA_SUBTYPE_raw),
      SPA_FORMAT_VIDEO_format, SPA_POD_Id(p.format), SPA_FORMAT_VIDEO_size,
      SPA_POD_Rectangle(&size), SPA_FORMAT_VIDEO_framerate, SPA_POD_Fraction(&rate)));
}

void onParamChanged(void* data, uint32_t id, const spa_pod* param) {
  auto& p = *static_cast<Producer*>(data);
  if (!param || id != SPA_PARAM_Format) return;
  spa_video_info_raw info{};
  if (spa_format_video_raw_parse(param, &info) < 0) return;
  p.width = static_cast<int>(info.size.width);
  p.height = static_cast<int>(info.size.height);
  p.fullDamagePending = true;
  uint8_t buffer[1024];
  spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
  const int stride = p.width * 4;
  const spa_pod* params[4];
  params[0] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
      &b, SPA_TYPE_OBJECT_ParamBuffers, SPA_PARAM_Buffers, SPA_PARAM_BUFFERS_buffers,
      SPA_POD_CHOICE_RANGE_Int(4, 2, 8), SPA_PARAM_BUFFERS_blocks, SPA_POD_Int(1),
      SPA_PARAM_BUFFERS_size, SPA_POD_Int(stride * p.height), SPA_PARAM_BUFFERS_stride,
      SPA_POD_Int(stride), SPA_PARAM_BUFFERS_dataType,
      SPA_POD_CHOICE_FLAGS_Int(p.memfd ? 1 << SPA_DATA_MemFd
                                       : (1 << SPA_DATA_MemFd) | (1 << SPA_DATA_MemPtr))));
  params[1] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
      &b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta, SPA_PARAM_META_type,
      SPA_POD_Id(SPA_META_Header), SPA_PARAM_META_size, SPA_POD_Int(sizeof(spa_meta_header))));
  params[2] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
      &b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta, SPA_PARAM_META_type,
      SPA_POD_Id(SPA_META_VideoDamage), SPA_PARAM_META_size,
      SPA_POD_CHOICE_RANGE_Int(sizeof(spa_meta_region) * 4, sizeof(spa_meta_region),
                               sizeof(spa_meta_region) * 16)));
  const int cursorBytes =
      sizeof(spa_meta_cursor) + sizeof(spa_meta_bitmap) + kCursorSize * kCursorSize * 4;
  params[3] = static_cast<const spa_pod*>(spa_pod_builder_add_object(
      &b, SPA_TYPE_OBJECT_ParamMeta, SPA_PARAM_Meta, SPA_PARAM_META_type,
      SPA_POD_Id(SPA_META_Cursor), SPA_PARAM_META_size, SPA_POD_Int(cursorBytes)));
  pw_stream_update_params(p.stream, params, 4);
}

void onStateChanged(void* data, pw_stream_state, pw_stream_state state, const char* error) {
  auto& p = *static_cast<Producer*>(data);
  if (state == PW_STREAM_STATE_ERROR) {
    std::fprintf(stderr, "stream error: %s\n", error ? error : "?");
    pw_main_loop_quit(p.loop);
    return;
  }
  if (!p.announced && pw_stream_get_node_id(p.stream) != SPA_ID_INVALID) {
    p.announced = true;
    std::printf("ready %u\n", pw_stream_get_node_id(p.stream));
  }
  if (state == PW_STREAM_STATE_STREAMING) {
    std::printf("streaming\n");
    timespec interval{0, 1'000'000'000L / p.fps};
    pw_loop_update_timer(pw_main_loop_get_loop(p.loop), p.timer, &interval, &interval, false);
  } else {
    pw_loop_update_timer(pw_main_loop_get_loop(p.loop), p.timer, nullptr, nullptr, false);
  }
  std::fflush(stdout);
}

// --memfd: each buffer is a sealed-size memfd we map read-write; the
// consumer maps it by fd.
void onAddBuffer(void* data, pw_buffer* b) {
  auto& p = *static_cast<Producer*>(data);
  if (!p.memfd) return;
  spa_data& d = b->buffer->datas[0];
  const size_t bytes = static_cast<size_t>(p.width) * 4 * p.height;
  const int fd = memfd_create("pw-test-producer", MFD_CLOEXEC);
  if (fd < 0 || ftruncate(fd, static_cast<off_t>(bytes)) < 0) return;
  d.type = SPA_DATA_MemFd;
  d.flags = SPA_DATA_FLAG_READWRITE;
  d.fd = fd;
  d.mapoffset = 0;
  d.maxsize = static_cast<uint32_t>(bytes);
  d.data = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (d.data == MAP_FAILED) d.data = nullptr;
}

void onRemoveBuffer(void* data, pw_buffer* b) {
  if (!static_cast<Producer*>(data)->memfd) return;
  spa_data& d = b->buffer->datas[0];
  if (d.data) munmap(d.data, d.maxsize);
  if (d.fd >= 0) close(static_cast<int>(d.fd));
}

const pw_stream_events kStreamEvents = [] {
  pw_stream_events e{};
  e.version = PW_VERSION_STREAM_EVENTS;
  e.state_changed = onStateChanged;
  e.param_changed = onParamChanged;
  e.process = onProcess;
  e.add_buffer = onAddBuffer;
  e.remove_buffer = onRemoveBuffer;
  return e;
}();

void renegotiate(Producer& p, int width, int height) {
  p.width = width;
  p.height = height;
  uint8_t buffer[1024];
  spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
  const spa_pod* params[1] = {buildFormat(p, &b)};
  pw_stream_update_params(p.stream, params, 1);
}

void runCommand(Producer& p, const std::string& command) {
  int a = 0, b = 0;
  if (std::sscanf(command.c_str(), "resize %d %d", &a, &b) == 2) {
    renegotiate(p, a, b);
  } else if (std::sscanf(command.c_str(), "cursor %d %d", &a, &b) == 2) {
    p.cursorX = a, p.cursorY = b, p.cursorChanged = true;
  } else if (command == "pause") {
    p.paused = true;
  } else if (command == "resume") {
    p.paused = false;
  } else if (command == "stop") {
    pw_main_loop_quit(p.loop);
  }
  std::printf("ok %s\n", command.c_str());
  std::fflush(stdout);
}

void onStdin(void* data, int fd, uint32_t mask) {
  auto& p = *static_cast<Producer*>(data);
  char chunk[256];
  const ssize_t n = (mask & SPA_IO_IN) ? read(fd, chunk, sizeof(chunk)) : 0;
  if (n <= 0) {  // stdin closed: the test is gone
    pw_main_loop_quit(p.loop);
    return;
  }
  p.line.append(chunk, static_cast<size_t>(n));
  for (size_t end; (end = p.line.find('\n')) != std::string::npos;) {
    const std::string command = p.line.substr(0, end);
    p.line.erase(0, end + 1);
    runCommand(p, command);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: %s NAME WIDTHxHEIGHT FORMAT [FPS] [--animate] [--paused] [--memfd]\n",
                 argv[0]);
    return 2;
  }
  pw_init(&argc, &argv);
  Producer p;
  if (std::sscanf(argv[2], "%dx%d", &p.width, &p.height) != 2) return 2;
  p.format = parseFormat(argv[3]);
  for (int i = 4; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--animate")) {
      p.animate = true;
    } else if (!std::strcmp(argv[i], "--paused")) {
      p.paused = true;
    } else if (!std::strcmp(argv[i], "--memfd")) {
      p.memfd = true;
    } else {
      p.fps = std::atoi(argv[i]);
    }
  }
  p.loop = pw_main_loop_new(nullptr);
  pw_loop* loop = pw_main_loop_get_loop(p.loop);
  p.timer = pw_loop_add_timer(loop, onTimer, &p);
  pw_loop_add_io(loop, STDIN_FILENO, SPA_IO_IN | SPA_IO_HUP, false, onStdin, &p);
  p.stream = pw_stream_new_simple(
      loop, argv[1],
      pw_properties_new(PW_KEY_MEDIA_CLASS, "Video/Source", PW_KEY_NODE_NAME, argv[1],
                        PW_KEY_MEDIA_TYPE, "Video", PW_KEY_MEDIA_CATEGORY, "Source", nullptr),
      &kStreamEvents, &p);
  uint8_t buffer[1024];
  spa_pod_builder b = SPA_POD_BUILDER_INIT(buffer, sizeof(buffer));
  const spa_pod* params[1] = {buildFormat(p, &b)};
  const auto flags =
      static_cast<pw_stream_flags>(PW_STREAM_FLAG_DRIVER | (p.memfd ? PW_STREAM_FLAG_ALLOC_BUFFERS
                                                                    : PW_STREAM_FLAG_MAP_BUFFERS));
  if (pw_stream_connect(p.stream, PW_DIRECTION_OUTPUT, PW_ID_ANY, flags, params, 1) < 0) {
    std::fprintf(stderr, "cannot connect the stream\n");
    return 1;
  }
  pw_main_loop_run(p.loop);
  pw_stream_destroy(p.stream);
  pw_main_loop_destroy(p.loop);
  pw_deinit();
  return 0;
}
