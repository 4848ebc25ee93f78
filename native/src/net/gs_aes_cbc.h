#pragma once
// AES-128-CBC with PKCS#7 padding over OpenSSL's libcrypto: GameStream's
// audio encryption (key = rikey, a fresh IV per packet). The key schedule is
// set once per direction.
#include <cstddef>
#include <cstdint>

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace net {

class AesCbc {
 public:
  static constexpr size_t kBlockBytes = 16;
  static size_t paddedBytes(size_t bytes) { return (bytes / kBlockBytes + 1) * kBlockBytes; }

  // Throws INVALID_ARGUMENT unless keyBytes is 16.
  AesCbc(const uint8_t* key, size_t keyBytes);
  ~AesCbc();
  AesCbc(const AesCbc&) = delete;
  AesCbc& operator=(const AesCbc&) = delete;

  // Writes paddedBytes(bytes) bytes to out (not overlapping plaintext).
  // Throws CRYPTO_FAILED only if OpenSSL itself fails.
  size_t encrypt(const uint8_t* iv, const uint8_t* plaintext, size_t bytes, uint8_t* out);
  // Returns the plaintext length, or -1 for a wrong length or bad padding.
  // out needs `bytes` of room. Never throws on bad input.
  long decrypt(const uint8_t* iv, const uint8_t* ciphertext, size_t bytes, uint8_t* out);

 private:
  EVP_CIPHER_CTX* encryptCtx_ = nullptr;
  EVP_CIPHER_CTX* decryptCtx_ = nullptr;
};

}  // namespace net
