#include "hotline/crypto/sha256.h"

#include <openssl/evp.h>

#include "hotline/common/error.h"

namespace hotline::crypto {
namespace {

[[noreturn]] void sha256_failed(const char* what) {
  throw Error(ErrorCategory::internal, "crypto_internal",
              std::string("OpenSSL SHA-256 failed in ") + what);
}

// Fetched once: OpenSSL 3 otherwise looks the algorithm up in its provider
// tables on every EVP_sha256() init, which costs more than hashing 1 KiB.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (md == nullptr) sha256_failed("EVP_MD_fetch");
  return md;
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

CtxPtr new_ctx() {
  CtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) sha256_failed("EVP_MD_CTX_new");
  if (EVP_DigestInit_ex2(ctx.get(), sha256_md(), nullptr) != 1) sha256_failed("init");
  return ctx;
}

}  // namespace

Digest sha256(std::span<const std::uint8_t> data) {
  // One context per thread, reused: allocating one per call would double
  // the cost of hashing a small envelope.
  thread_local CtxPtr ctx = new_ctx();
  Digest out;
  unsigned int len = 0;
  if (EVP_DigestInit_ex2(ctx.get(), nullptr, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    sha256_failed("sha256");
  }
  return out;
}

Digest sha256(std::string_view data) {
  return sha256(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data.data()),
                                              data.size()));
}

struct Sha256::Ctx {
  CtxPtr ctx = new_ctx();
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(std::span<const std::uint8_t> data) {
  if (EVP_DigestUpdate(ctx_->ctx.get(), data.data(), data.size()) != 1) sha256_failed("update");
}

void Sha256::update(std::string_view data) {
  update(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data.data()),
                                       data.size()));
}

Digest Sha256::finish() {
  Digest out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->ctx.get(), out.data(), &len) != 1 || len != out.size() ||
      EVP_DigestInit_ex2(ctx_->ctx.get(), nullptr, nullptr) != 1) {
    sha256_failed("finish");
  }
  return out;
}

}  // namespace hotline::crypto
