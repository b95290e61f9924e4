#include "enlarge-error.h"

G_DEFINE_QUARK (enlarge-error-quark, enlarge_error)
