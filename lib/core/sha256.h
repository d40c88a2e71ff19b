/* sha256.h: SHA-256 (FIPS 180-4), enough to fingerprint the inputs a
 * golden was generated from. Not for secrets: no constant-time care. */
#ifndef PG_SHA256_H
#define PG_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct pg_sha256 {
    uint32_t _h[8];
    uint64_t _bytes;      /* total length so far */
    unsigned char _block[64];
    size_t _fill;         /* bytes in _block */
} pg_sha256;

void pg_sha256_init(pg_sha256 *s);
void pg_sha256_update(pg_sha256 *s, const void *data, size_t len);
/* Writes the 32-byte digest; s must be re-initialized before reuse. */
void pg_sha256_final(pg_sha256 *s, unsigned char out[32]);
/* One-shot digest as 64 lowercase hex digits plus NUL into hex[65]. */
void pg_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
