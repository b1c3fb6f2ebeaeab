// 8 threads, each running 100 guests of one shared Program, of which 10 misbehave (an infinite
// loop, a heap bomb, runaway recursion, a failing host function): every well-behaved guest must
// still give its right answer, and every misbehaving one fail alone, with the error its limit
// gives. In a process of its own; prints a summary and exits non-zero on a failure.
#include <atomic>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nuri/nuri.h"

namespace {

const char* const kProgram = R"(
import host.{scale, refuse}

// Well-behaved: a little of everything (objects, collections, strings, host calls).
fun work(seed: int): int {
  let words = List<string>()
  for (i in 0..200) { words.add("w" + (seed * 31 + i) % 97) }
  let counts = Map<string, int>()
  for (w in words) { counts[w] = counts.get(w, 0) + 1 }
  var total = 0
  for (k in counts.keys()) { total += counts[k] * k.length }
  return scale(total + seed)
}

fun spin(): int {
  var n = 0
  while (true) { n += 1 }
  return n
}

fun bomb(): int {
  let chunks = List<int[]>()
  while (true) { chunks.add(new int[100000]) }
  return chunks.length
}

fun down(n: int): int { return down(n + 1) + 1 }
fun deep(): int { return down(0) }

fun failing(): int { return refuse(7) }
)";

// What work(seed) returns, computed the same way in C++.
int64_t expectedWork(int64_t seed) {
  std::vector<std::string> words;
  for (int64_t i = 0; i < 200; i++)
    words.push_back(std::string("w").append(std::to_string((seed * 31 + i) % 97)));
  int64_t total = 0;
  for (const std::string& w : words) // each occurrence adds its word's length once
    total += int64_t(w.size());
  return (total + seed) * 3;
}

std::atomic<int> failures{0};
std::mutex printMutex;

void fail(const std::string& what) {
  std::lock_guard<std::mutex> lock(printMutex);
  std::cout << "FAILED: " << what << "\n";
  failures++;
}

} // namespace

int main() {
  nuri::Runtime runtime;
  auto host = std::make_shared<nuri::HostModule>("host");
  host->function(
      "fun scale(x: int): int",
      [](nuri::CallContext&, std::span<const nuri::Value> args) -> nuri::Result<nuri::Value> {
        return nuri::Value(*args[0].asInt() * 3);
      });
  host->function(
      "fun refuse(x: int): int",
      [](nuri::CallContext&, std::span<const nuri::Value> args) -> nuri::Result<nuri::Value> {
        if (*args[0].asInt() % 2) throw std::runtime_error("odd input");
        nuri::Error e;
        e.message = "even input";
        return e;
      });
  nuri::CompileOptions options;
  options.hostModules = {host};
  nuri::Result<nuri::Program> program = nuri::compileSource(kProgram, "stress.nuri", options);
  if (!program) {
    std::cerr << program.error().render();
    return 1;
  }

  std::atomic<int> rightAnswers{0}, expectedFailures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; t++) {
    threads.emplace_back([&, t] {
      for (int g = 0; g < 100; g++) {
        nuri::IsolateConfig config;
        config.hostModules = {host};
        config.heapLimitBytes = 16 << 20;
        config.fuel = 20000000;
        config.stackLimitFrames = 2000;
        std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate(config);
        std::string who = "thread " + std::to_string(t) + " guest " + std::to_string(g);
        if (nuri::Status loaded = guest->load(*program); !loaded) {
          fail(who + ": load: " + loaded.error().render());
          continue;
        }
        // Guests 0, 10, 20, ... misbehave, each in one of four ways.
        if (g % 10 == 0) {
          static const char* const kBad[] = {"spin", "bomb", "deep", "failing"};
          static const char* const kClass[] = {"LimitError", "LimitError", "StackOverflowError",
                                               "HostError"};
          int kind = (g / 10) % 4;
          nuri::Result<nuri::Value> r = guest->call(kBad[kind]);
          if (r || r.error().errorClass != kClass[kind]) {
            fail(who + ": " + kBad[kind] + " gave " + (r ? "a result" : r.error().render()));
          } else {
            expectedFailures++;
          }
          continue;
        }
        int64_t seed = t * 100 + g;
        nuri::Result<nuri::Value> r = guest->call("work", {seed});
        if (!r) {
          fail(who + ": " + r.error().render());
        } else if (r->asInt() != expectedWork(seed)) {
          fail(who + ": work(" + std::to_string(seed) +
               ") = " + std::to_string(r->asInt().value_or(-1)) + ", not " +
               std::to_string(expectedWork(seed)));
        } else {
          rightAnswers++;
        }
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  std::cout << rightAnswers << " of 720 well-behaved guests answered right; " << expectedFailures
            << " of 80 misbehaving guests failed as they should\n";
  return failures == 0 && rightAnswers == 720 && expectedFailures == 80 ? 0 : 1;
}
