// Debian's libargon2 (package libargon2-dev, installed by scripts/setup.sh): the reference Argon2
// implementation, used only to verify the argon2id hashes of accounts migrated from the original.
#ifndef AGNES_CARGON2_SHIM_H
#define AGNES_CARGON2_SHIM_H
#include <argon2.h>
#endif
