#include "net/aes_gcm.h"

#include <openssl/evp.h>

#include <climits>

#include "net/net_error.h"

namespace net {
namespace {

EVP_CIPHER_CTX* newContext(const EVP_CIPHER* cipher, const uint8_t* key, bool encrypt) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  if (ctx == nullptr) throw MediaError(media::code::kOutOfMemory, "EVP_CIPHER_CTX_new failed");
  // The default GCM IV length is 12 bytes, which is what we use.
  const int ok = encrypt ? EVP_EncryptInit_ex(ctx, cipher, nullptr, key, nullptr)
                         : EVP_DecryptInit_ex(ctx, cipher, nullptr, key, nullptr);
  if (ok != 1) {
    EVP_CIPHER_CTX_free(ctx);
    throw MediaError(code::kCryptoFailed, "AES-GCM key setup failed");
  }
  return ctx;
}

}  // namespace

AesGcm::AesGcm(const uint8_t* key, size_t keyBytes) {
  if (keyBytes != 16 && keyBytes != 32) {
    throw MediaError(media::code::kInvalidArgument, "AES-GCM key must be 16 or 32 bytes");
  }
  const EVP_CIPHER* cipher = keyBytes == 16 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
  sealCtx_ = newContext(cipher, key, true);
  try {
    openCtx_ = newContext(cipher, key, false);
  } catch (...) {
    EVP_CIPHER_CTX_free(sealCtx_);
    throw;
  }
}

AesGcm::~AesGcm() {
  EVP_CIPHER_CTX_free(sealCtx_);
  EVP_CIPHER_CTX_free(openCtx_);
}

void AesGcm::seal(const uint8_t* nonce, const uint8_t* aad, size_t aadBytes,
                  const uint8_t* plaintext, size_t bytes, uint8_t* cipherOut, uint8_t* tagOut) {
  int written = 0;
  int finalBytes = 0;
  const bool ok =
      bytes <= INT_MAX && aadBytes <= INT_MAX &&
      EVP_EncryptInit_ex(sealCtx_, nullptr, nullptr, nullptr, nonce) == 1 &&
      EVP_EncryptUpdate(sealCtx_, nullptr, &written, aad, static_cast<int>(aadBytes)) == 1 &&
      EVP_EncryptUpdate(sealCtx_, cipherOut, &written, plaintext, static_cast<int>(bytes)) == 1 &&
      EVP_EncryptFinal_ex(sealCtx_, cipherOut + written, &finalBytes) == 1 &&
      EVP_CIPHER_CTX_ctrl(sealCtx_, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes), tagOut) == 1;
  if (!ok) throw MediaError(code::kCryptoFailed, "AES-GCM seal failed");
}

bool AesGcm::open(const uint8_t* nonce, const uint8_t* aad, size_t aadBytes,
                  const uint8_t* ciphertext, size_t bytes, const uint8_t* tag, uint8_t* plainOut) {
  if (bytes > INT_MAX || aadBytes > INT_MAX) return false;
  int written = 0;
  int finalBytes = 0;
  // OpenSSL's ctrl takes a non-const pointer but only copies the tag in.
  return EVP_DecryptInit_ex(openCtx_, nullptr, nullptr, nullptr, nonce) == 1 &&
         EVP_DecryptUpdate(openCtx_, nullptr, &written, aad, static_cast<int>(aadBytes)) == 1 &&
         EVP_DecryptUpdate(openCtx_, plainOut, &written, ciphertext, static_cast<int>(bytes)) ==
             1 &&
         EVP_CIPHER_CTX_ctrl(openCtx_, EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                             const_cast<uint8_t*>(tag)) == 1 &&
         EVP_DecryptFinal_ex(openCtx_, plainOut + written, &finalBytes) == 1;
}

}  // namespace net
