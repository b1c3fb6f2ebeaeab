// A host that runs Nuri scripts as guests: it gives a script two host functions, calls into it
// with values, runs 100 guests on 4 threads under limits, and stops a runaway guest from
// another thread.
#include <nuri/nuri.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// The script: it imports the host's `shop` module and offers functions for the host to call.
const char* const kScript = R"(
import shop.{price, log}

// What an order costs, with a discount on large quantities.
fun total(item: string, quantity: int): float {
  let each = price(item)
  var sum = each * quantity
  if (quantity >= 10) { sum = sum * 0.9 }
  log("priced " + quantity + " x " + item)
  return sum
}

// The costs of several items, one call from the host.
fun totals(items: string[], quantity: int): float[] {
  let out = new float[items.length]
  for (i in 0..items.length) { out[i] = total(items[i], quantity) }
  return out
}

fun main(args: string[]): int {
  println("Hello, " + args[0])
  return 208
}
)";

int main() {
  nuri::Runtime runtime;

  // Two host functions. A returned Error becomes the guest's HostError.
  auto shop = std::make_shared<nuri::HostModule>("shop");
  shop->function("fun price(item: string): float",
                 [](nuri::CallContext&, std::span<const nuri::Value> args)
                     -> nuri::Result<nuri::Value> {
                   std::string item = args[0].asString().value_or("");
                   if (item == "apple") return nuri::Value(0.5);
                   if (item == "pear") return nuri::Value(0.75);
                   nuri::Error unknown;
                   unknown.message = "no price for " + item;
                   return unknown;
                 });
  std::mutex logMutex;
  std::vector<std::string> log;
  shop->function("fun log(line: string)",
                 [&](nuri::CallContext&, std::span<const nuri::Value> args)
                     -> nuri::Result<nuri::Value> {
                   std::lock_guard<std::mutex> lock(logMutex);
                   log.push_back(args[0].asString().value_or(""));
                   return nuri::Value();
                 });

  nuri::CompileOptions options;
  options.hostModules = {shop}; // what the compiler checks `import shop.{...}` against
  nuri::Result<nuri::Program> program = nuri::compileSource(kScript, "shop.nuri", options);
  if (!program) {
    std::cerr << program.error().render();
    return 1;
  }

  // One guest: run main, then call its functions with values.
  nuri::IsolateConfig config;
  config.hostModules = {shop}; // what this guest is granted
  config.heapLimitBytes = 16 << 20;
  std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate(config);
  if (nuri::Status loaded = guest->load(*program); !loaded) {
    std::cerr << loaded.error().render();
    return 1;
  }
  nuri::Result<int> status = guest->runMain({"embedder"});
  if (!status) {
    std::cerr << status.error().render();
    return 1;
  }
  std::cout << "main returned " << *status << "\n";
  nuri::Result<nuri::Value> cost = guest->call("total", {"pear", 12});
  if (!cost) {
    std::cerr << cost.error().render();
    return 1;
  }
  std::cout << "12 pears cost " << *cost->asFloat() << "\n";
  nuri::Result<nuri::Value> costs =
      guest->call("totals", {std::vector<std::string>{"apple", "pear"}, 2});
  if (!costs) return 1;
  std::optional<std::vector<double>> each = costs->asFloatArray();
  std::cout << "2 of each: " << (*each)[0] << " and " << (*each)[1] << "\n";
  nuri::Result<nuri::Value> unknown = guest->call("total", {"plum", 1});
  std::cout << "a plum: " << unknown.error().errorClass << ": " << unknown.error().message << "\n";

  // 100 guests on 4 threads, sharing the program, each with its own limits.
  std::atomic<int> right{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 4; t++) {
    workers.emplace_back([&, t] {
      for (int g = 0; g < 25; g++) {
        std::unique_ptr<nuri::Isolate> isolate = runtime.newIsolate(config);
        isolate->setFuel(1000000);
        if (!isolate->load(*program)) continue;
        nuri::Result<nuri::Value> r = isolate->call("total", {"apple", t * 25 + g});
        double expected = 0.5 * (t * 25 + g) * (t * 25 + g >= 10 ? 0.9 : 1.0);
        if (r && r->asFloat() && *r->asFloat() == expected) right++;
      }
    });
  }
  for (std::thread& w : workers)
    w.join();
  std::cout << right << " of 100 guests answered right\n";

  // A runaway guest, stopped from another thread.
  nuri::Result<nuri::Program> spin =
      nuri::compileSource("fun main() {\n  while (true) { }\n}\n", "spin.nuri");
  std::unique_ptr<nuri::Isolate> runaway = runtime.newIsolate();
  if (!spin || !runaway->load(*spin)) return 1;
  nuri::InterruptHandle handle = runaway->interruptHandle();
  std::thread watchdog([handle] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    handle.terminate();
  });
  nuri::Result<int> stopped = runaway->runMain({});
  watchdog.join();
  if (stopped || stopped.error().limit != nuri::Error::Limit::Terminated) return 1;
  std::cout << "stopped: " << stopped.error().message << "\n";
  return 0;
}
