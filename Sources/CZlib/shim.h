// Debian's zlib (package zlib1g-dev, installed by scripts/setup.sh): deflate for gzip-encoded
// responses. `deflateInit2` is a macro, which Swift cannot call: the inline function stands for it.
#ifndef AGNES_CZLIB_SHIM_H
#define AGNES_CZLIB_SHIM_H
#define ZLIB_CONST
#include <zlib.h>

/// Starts a deflate stream that writes the gzip format (RFC 1952): window bits 15 + 16.
static inline int agnes_deflate_init_gzip(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
#endif
