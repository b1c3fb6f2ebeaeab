# The `layers` test: each layer reaches the headers of the layers it uses and no others.
#   cmake -DCXX=COMPILER -DCHECKS=BUILD/layers/checks -DWORK=DIR [-DIMPLICIT=DIRS] -P check_layers.cmake
# For each layer, CHECKS holds a file (written by nuri_layer_checks in cmake/NuriLayers.cmake)
# with the layer's include directories, as its target has them, and two lists of headers: one
# from each folder it may include (ALLOWED) and one from each folder it may not (FORBIDDEN).
# The allowed ones must preprocess together; each forbidden one must fail as not found.
cmake_minimum_required(VERSION 3.25)
foreach(var CXX CHECKS WORK)
  if(NOT ${var})
    message(FATAL_ERROR "check_layers.cmake needs -D${var}=...")
  endif()
endforeach()

file(GLOB layer_files ${CHECKS}/*.cmake)
list(LENGTH layer_files layer_count)
if(layer_count LESS 2)
  message(FATAL_ERROR "no layers to check in ${CHECKS}")
endif()
file(MAKE_DIRECTORY ${WORK})

set(failures 0)
set(rejected 0)
foreach(layer_file IN LISTS layer_files)
  unset(LAYER)
  unset(INCLUDES)
  unset(ALLOWED)
  unset(FORBIDDEN)
  include(${layer_file})
  set(flags)
  foreach(dir IN LISTS INCLUDES)
    # The compiler's own folders (/usr/include) must stay last, as CMake leaves them out.
    if(dir AND NOT dir IN_LIST IMPLICIT)
      list(APPEND flags -I${dir})
    endif()
  endforeach()

  set(probe ${WORK}/${LAYER}_allowed.cpp)
  set(text "")
  foreach(header IN LISTS ALLOWED)
    string(APPEND text "#include \"${header}\"\n")
  endforeach()
  file(WRITE ${probe} "${text}")
  execute_process(COMMAND ${CXX} -std=c++20 -E ${flags} ${probe} -o ${WORK}/${LAYER}_allowed.i
                  RESULT_VARIABLE status ERROR_VARIABLE errors)
  if(NOT status EQUAL 0)
    message(SEND_ERROR "layer ${LAYER} cannot include what it may (${ALLOWED}):\n${errors}")
    math(EXPR failures "${failures} + 1")
  endif()

  foreach(header IN LISTS FORBIDDEN)
    string(MAKE_C_IDENTIFIER ${header} id)
    set(probe ${WORK}/${LAYER}_${id}.cpp)
    file(WRITE ${probe} "#include \"${header}\"\n")
    execute_process(COMMAND ${CXX} -std=c++20 -E ${flags} ${probe} -o ${WORK}/${LAYER}_${id}.i
                    RESULT_VARIABLE status ERROR_VARIABLE errors)
    # GCC: `fatal error: vm/isolate.h: No such file or directory`; clang: `'vm/isolate.h' file
    # not found`. Any other outcome (found, or failed for another reason) is a failure.
    string(FIND "${errors}" "${header}: No such file" gcc)
    string(FIND "${errors}" "'${header}' file not found" clang)
    if(status EQUAL 0)
      message(SEND_ERROR "layer ${LAYER} can include ${header}, which it must not")
      math(EXPR failures "${failures} + 1")
    elseif(gcc EQUAL -1 AND clang EQUAL -1)
      message(SEND_ERROR "layer ${LAYER}: ${header} failed, but not as not found:\n${errors}")
      math(EXPR failures "${failures} + 1")
    else()
      math(EXPR rejected "${rejected} + 1")
    endif()
  endforeach()
endforeach()

if(failures GREATER 0)
  message(FATAL_ERROR "${failures} layer include checks failed")
endif()
message(STATUS "${layer_count} layers: each includes what it may, and ${rejected} forbidden "
               "includes fail to compile")
