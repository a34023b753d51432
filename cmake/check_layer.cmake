# Checks that the sources of one layer (ROOT/LAYER/*.{hpp,cpp}) include headers of no layer
# outside USES: the build runs it for every layer (CMakeLists.txt, seatd_layer), so a backward
# include fails the build with the file, the line and what the layer may use. Only quoted
# includes whose first path component names a layer in LAYERS count (system headers and the
# layer's own headers pass). Writes STAMP when the layer is clean.
#
#   cmake -DLAYER=net "-DUSES=domain;exec" "-DLAYERS=util;domain;..." -DROOT=src -DSTAMP=f -P check_layer.cmake
cmake_minimum_required(VERSION 3.25)
foreach(v LAYER LAYERS ROOT STAMP)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "check_layer.cmake: ${v} is not set")
  endif()
endforeach()
file(GLOB_RECURSE files ${ROOT}/${LAYER}/*.hpp ${ROOT}/${LAYER}/*.cpp)
set(violations "")
foreach(f ${files})
  file(STRINGS ${f} lines)
  set(n 0)
  foreach(line IN LISTS lines)
    math(EXPR n "${n} + 1")
    if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"(([a-z_]+)/[^\"]*)\"")
      set(header ${CMAKE_MATCH_1})
      set(used ${CMAKE_MATCH_2})
      if(NOT used STREQUAL LAYER AND used IN_LIST LAYERS AND NOT used IN_LIST USES)
        file(RELATIVE_PATH rel ${ROOT} ${f})
        string(APPEND violations "  ${rel}:${n}: layer ${LAYER} may not include \"${header}\"\n")
      endif()
    endif()
  endforeach()
endforeach()
if(violations)
  if(USES)
    string(REPLACE ";" ", " allowed "${USES}")
  else()
    set(allowed "no other layer")
  endif()
  message(FATAL_ERROR "Backward or undeclared layer dependency (docs/architecture.md, Layers):\n"
                      "${violations}"
                      "layer ${LAYER} may use: ${allowed}. Move the code to the layer it belongs "
                      "to, or declare the dependency in CMakeLists.txt if the architecture allows it.")
endif()
file(WRITE ${STAMP} "")
