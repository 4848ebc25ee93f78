#include "net/gs_aes_cbc.h"

#include <openssl/evp.h>

#include <climits>

#include "net/net_error.h"

namespace net {
namespace {

EVP_CIPHER_CTX* newContext(const uint8_t* key, bool encrypt) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) throw MediaError(media::code::kOutOfMemory, "EVP_CIPHER_CTX_new failed");
  const int ok = encrypt ? EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), nullptr, key, nullptr)
                         : EVP_DecryptInit_ex(ctx, EVP_aes_128_cbc(), nullptr, key, nullptr);
  if (ok != 1) {
    EVP_CIPHER_CTX_free(ctx);
    throw MediaError(code::kCryptoFailed, "AES-CBC key setup failed");
  }
  return ctx;
}

}  // namespace

AesCbc::AesCbc(const uint8_t* key, size_t keyBytes) {
  if (keyBytes != 16) {
    throw MediaError(media::code::kInvalidArgument, "AES-128-CBC key must be 16 bytes");
  }
  encryptCtx_ = newContext(key, true);
  try {
    decryptCtx_ = newContext(key, false);
  } catch (...) {
    EVP_CIPHER_CTX_free(encryptCtx_);
    throw;
  }
}

AesCbc::~AesCbc() {
  EVP_CIPHER_CTX_free(encryptCtx_);
  EVP_CIPHER_CTX_free(decryptCtx_);
}

size_t AesCbc::encrypt(const uint8_t* iv, const uint8_t* plaintext, size_t bytes, uint8_t* out) {
  int written = 0;
  int finalBytes = 0;
  const bool ok =
      bytes <= INT_MAX - kBlockBytes &&
      EVP_EncryptInit_ex(encryptCtx_, nullptr, nullptr, nullptr, iv) == 1 &&
      EVP_EncryptUpdate(encryptCtx_, out, &written, plaintext, static_cast<int>(bytes)) == 1 &&
      EVP_EncryptFinal_ex(encryptCtx_, out + written, &finalBytes) == 1;
  if (!ok) throw MediaError(code::kCryptoFailed, "AES-CBC encrypt failed");
  return static_cast<size_t>(written + finalBytes);
}

long AesCbc::decrypt(const uint8_t* iv, const uint8_t* ciphertext, size_t bytes, uint8_t* out) {
  if (bytes == 0 || bytes % kBlockBytes != 0 || bytes > INT_MAX) return -1;
  int written = 0;
  int finalBytes = 0;
  const bool ok =
      EVP_DecryptInit_ex(decryptCtx_, nullptr, nullptr, nullptr, iv) == 1 &&
      EVP_DecryptUpdate(decryptCtx_, out, &written, ciphertext, static_cast<int>(bytes)) == 1 &&
      EVP_DecryptFinal_ex(decryptCtx_, out + written, &finalBytes) == 1;
  return ok ? static_cast<long>(written + finalBytes) : -1;
}

}  // namespace net
