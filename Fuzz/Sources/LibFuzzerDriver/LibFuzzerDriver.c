// Only the declaration in include/ is needed: libFuzzer itself is linked by -sanitize=fuzzer.
// SwiftPM wants a source file in every C target.
#include "LibFuzzerDriver.h"
