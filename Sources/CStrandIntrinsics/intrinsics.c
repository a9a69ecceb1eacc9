// Everything is static inline in the header; SwiftPM needs one source file per C target.
#include "strand_intrinsics.h"
