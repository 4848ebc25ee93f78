#pragma once
// AES-GCM (128 or 256-bit key, 96-bit nonce, 128-bit tag) over OpenSSL's
// libcrypto. The key schedule is set once; each packet only sets its nonce,
// which keeps the per-datagram cost at the cipher itself.
#include <cstddef>
#include <cstdint>

typedef struct evp_cipher_ctx_st EVP_CIPHER_CTX;

namespace net {

class AesGcm {
 public:
  static constexpr size_t kNonceBytes = 12;
  static constexpr size_t kTagBytes = 16;

  // Throws INVALID_ARGUMENT unless keyBytes is 16 or 32.
  AesGcm(const uint8_t* key, size_t keyBytes);
  ~AesGcm();
  AesGcm(const AesGcm&) = delete;
  AesGcm& operator=(const AesGcm&) = delete;

  // Encrypts `bytes` of plaintext into cipherOut (may equal plaintext) and
  // writes the tag. Throws CRYPTO_FAILED only if OpenSSL itself fails.
  void seal(const uint8_t* nonce, const uint8_t* aad, size_t aadBytes, const uint8_t* plaintext,
            size_t bytes, uint8_t* cipherOut, uint8_t* tagOut);

  // Decrypts into plainOut (may equal ciphertext); false if the tag does not
  // verify, in which case plainOut holds garbage. Never throws on bad input.
  bool open(const uint8_t* nonce, const uint8_t* aad, size_t aadBytes, const uint8_t* ciphertext,
            size_t bytes, const uint8_t* tag, uint8_t* plainOut);

 private:
  EVP_CIPHER_CTX* sealCtx_ = nullptr;
  EVP_CIPHER_CTX* openCtx_ = nullptr;
};

}  // namespace net
