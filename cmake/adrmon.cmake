# adrmon_library(<name> SOURCES <src>... [PUBLIC <dep>...] [PRIVATE <dep>...]
#                [PRIVATE_INCLUDES <dir>...])
#
# One STATIC library per folder, as STYLE.md lays them out: adrmon_<name> with
# the alias adrmon::<name>, `include/` public and `src/` private (relative to
# the calling CMakeLists.txt), PUBLIC and PRIVATE link dependencies as given,
# and adrmon_warnings applied privately so our warnings stay on our code.
function(adrmon_library name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES;PUBLIC;PRIVATE;PRIVATE_INCLUDES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "adrmon_library(${name}): unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  add_library(adrmon_${name} STATIC ${arg_SOURCES})
  add_library(adrmon::${name} ALIAS adrmon_${name})
  target_include_directories(adrmon_${name} PUBLIC include PRIVATE src ${arg_PRIVATE_INCLUDES})
  target_link_libraries(adrmon_${name} PUBLIC ${arg_PUBLIC} PRIVATE ${arg_PRIVATE} adrmon_warnings)
endfunction()
