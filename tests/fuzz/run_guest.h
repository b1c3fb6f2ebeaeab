// Shared by the fuzz targets: runs a program that was accepted under tight limits.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nuri/nuri.h"

// The limits every fuzzed guest runs under, its output dropped.
inline nuri::IsolateConfig tightLimits() {
  nuri::IsolateConfig config;
  config.fuel = 20000;
  config.heapLimitBytes = 16 << 20;
  config.stackLimitFrames = 100;
  config.output = [](std::string_view) {};
  return config;
}

inline void runUnderLimits(const nuri::Program& program, const std::vector<std::string>& args) {
  nuri::IsolateConfig config = tightLimits();
  nuri::Runtime runtime;
  std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate(config);
  if (guest->load(program)) (void)guest->runMain(args);
}
