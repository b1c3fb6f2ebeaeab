# Layers (docs/architecture.md): each part of the VM sees only the headers it may use.
#
# Sources include each other by paths from the repository's root ("vm/isolate.h"). A layer is
# not given the root: nuri_layer() makes it an include "view" in the build tree, a folder of
# symbolic links to exactly the source folders it may include from, so that an #include of any
# other folder fails to compile. tests/layers/check_layers.cmake (the `layers` test) checks
# every view both ways.

# nuri_layer(NAME [TARGET target] [FOLDERS folder...] [USES layer...] [PUBLIC_API])
#
# Gives `target` (default nuri_NAME) the view of layer NAME: its own FOLDERS and those of the
# layers it USES (and of the layers they use, and so on), plus include/ (nuri/nuri.h) when
# PUBLIC_API is given or a used layer has it. A used layer must be declared first, so the
# layers cannot form a cycle. A folder may be inside another one's folder (vm/bytecode in vm):
# the view then holds a real vm/ with only a link to bytecode in it.
function(nuri_layer name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "PUBLIC_API" "TARGET" "FOLDERS;USES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "nuri_layer(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_TARGET)
    set(arg_TARGET nuri_${name})
  endif()
  get_property(known GLOBAL PROPERTY NURI_LAYERS)
  if(name IN_LIST known)
    message(FATAL_ERROR "nuri_layer(${name}): declared twice")
  endif()
  set(folders ${arg_FOLDERS})
  set(public ${arg_PUBLIC_API})
  foreach(used IN LISTS arg_USES)
    if(NOT used IN_LIST known)
      message(FATAL_ERROR "nuri_layer(${name}) uses ${used}, which is not declared before it")
    endif()
    get_property(more GLOBAL PROPERTY NURI_LAYER_${used}_FOLDERS)
    list(APPEND folders ${more})
    get_property(usedPublic GLOBAL PROPERTY NURI_LAYER_${used}_PUBLIC_API)
    if(usedPublic)
      set(public TRUE)
    endif()
  endforeach()
  list(REMOVE_DUPLICATES folders)
  list(SORT folders)
  set_property(GLOBAL APPEND PROPERTY NURI_LAYERS ${name})
  set_property(GLOBAL APPEND PROPERTY NURI_LAYER_FOLDERS ${arg_FOLDERS})
  set_property(GLOBAL PROPERTY NURI_LAYER_${name}_FOLDERS ${folders})
  set_property(GLOBAL PROPERTY NURI_LAYER_${name}_PUBLIC_API ${public})
  set_property(GLOBAL PROPERTY NURI_LAYER_${name}_TARGET ${arg_TARGET})

  set(view ${PROJECT_BINARY_DIR}/layers/views/${name})
  file(REMOVE_RECURSE ${view}) # removes the links, never what they point to
  file(MAKE_DIRECTORY ${view})
  foreach(folder IN LISTS folders)
    nuri_layer_covers("${folders}" "${folder}" inParent TRUE)
    if(NOT inParent)
      get_filename_component(parent ${view}/${folder} DIRECTORY)
      file(MAKE_DIRECTORY ${parent})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/${folder} ${view}/${folder} SYMBOLIC)
    endif()
  endforeach()
  target_include_directories(${arg_TARGET} PRIVATE ${view})
  if(public)
    target_include_directories(${arg_TARGET} PRIVATE ${PROJECT_SOURCE_DIR}/include)
  endif()
endfunction()

# Sets `out` to whether `folder` is one of `folders` or inside one of them (with `strict`, only
# inside one).
function(nuri_layer_covers folders folder out strict)
  set(covered FALSE)
  foreach(other IN LISTS folders)
    string(FIND "${folder}/" "${other}/" at)
    if(at EQUAL 0 AND NOT (strict AND other STREQUAL folder))
      set(covered TRUE)
    endif()
  endforeach()
  set(${out} ${covered} PARENT_SCOPE)
endfunction()

# Writes, for the `layers` test, each layer's include directories (as its target has them) and
# the headers it must and must not reach: one header directly in each folder of every layer,
# and nuri/nuri.h. Call after every layer is declared.
function(nuri_layer_checks)
  get_property(layers GLOBAL PROPERTY NURI_LAYERS)
  get_property(all GLOBAL PROPERTY NURI_LAYER_FOLDERS)
  list(REMOVE_DUPLICATES all)
  list(SORT all)
  file(REMOVE_RECURSE ${PROJECT_BINARY_DIR}/layers/checks)
  foreach(name IN LISTS layers)
    get_property(folders GLOBAL PROPERTY NURI_LAYER_${name}_FOLDERS)
    get_property(public GLOBAL PROPERTY NURI_LAYER_${name}_PUBLIC_API)
    get_property(target GLOBAL PROPERTY NURI_LAYER_${name}_TARGET)
    set(allowed)
    set(forbidden)
    foreach(folder IN LISTS all)
      file(GLOB headers RELATIVE ${PROJECT_SOURCE_DIR} ${PROJECT_SOURCE_DIR}/${folder}/*.h)
      list(SORT headers)
      list(LENGTH headers count)
      if(count EQUAL 0)
        message(FATAL_ERROR "layer folder ${folder} has no header for the layers test to try")
      endif()
      list(GET headers 0 probe)
      nuri_layer_covers("${folders}" "${folder}" covered FALSE)
      if(covered)
        list(APPEND allowed ${probe})
      else()
        list(APPEND forbidden ${probe})
      endif()
    endforeach()
    if(public)
      list(APPEND allowed nuri/nuri.h)
    else()
      list(APPEND forbidden nuri/nuri.h)
    endif()
    file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/layers/checks/${name}.cmake CONTENT
"set(LAYER ${name})
set(INCLUDES \"$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>\")
set(ALLOWED \"${allowed}\")
set(FORBIDDEN \"${forbidden}\")
")
  endforeach()
endfunction()
