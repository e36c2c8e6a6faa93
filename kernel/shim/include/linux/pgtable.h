/* bbm-verify shim: linux/pgtable.h is provided by bbm_shim.h */
#include "../../bbm_shim.h"
