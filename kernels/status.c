/* status.c - names of bf_status_t values. */
#include "bf_common.h"

const char *bf_status_str(bf_status_t st)
{
	switch (st) {
	case BF_OK: return "ok";
	case BF_ENOMEM: return "out of memory";
	case BF_EIO: return "input/output error";
	case BF_EINPUT: return "malformed input";
	case BF_EARG: return "invalid argument";
	}
	return "unknown status";
}
