// A fixture for the layers check (CMakeLists.txt, test layers.refuse_a_backward_include): the
// transport layer reaching up into the HTTP resources is the kind of arrow the build refuses.
#include "api/routes.hpp"
#include "domain/errc.hpp"
#include "net/http.hpp"
