#pragma once
// Error codes of the network engine. They reuse media::MediaError so the
// binding turns them into NativeError with the same `code` mechanism.
#include "media/media_error.h"

namespace net {

namespace code {
inline constexpr const char* kNetworkFailed = "NETWORK_FAILED";
inline constexpr const char* kCryptoFailed = "CRYPTO_FAILED";
// 2^32 datagrams were sealed under one key: the next nonce would repeat, which
// breaks AES-GCM completely. The control channel must rekey before that.
inline constexpr const char* kKeyExhausted = "KEY_EXHAUSTED";
// The local address:port is taken (another host, a second session) or not ours.
inline constexpr const char* kBindFailed = "BIND_FAILED";
// A send before the client's address is known (GameStream: before its first ping).
inline constexpr const char* kNotConnected = "NOT_CONNECTED";
}  // namespace code

using media::MediaError;

}  // namespace net
