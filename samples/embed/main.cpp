// A host that runs Nuri scripts as guests: a script compiled from text with a module the host
// provides, a guest given fuel in slices, and a runaway guest stopped from another thread.
#include <nuri/nuri.h>

#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

int main() {
  nuri::Runtime runtime;

  // The script imports `greetings`, which only the host can give it: compiled from text, it
  // reads no files.
  nuri::CompileOptions options;
  options.importSource = [](const std::string& module) -> std::optional<std::string> {
    if (module == "greetings") return "fun hello(name: string): string { return \"Hello, \" + name }\n";
    return std::nullopt;
  };
  nuri::Result<nuri::Program> program =
      nuri::compileSource("import greetings\n"
                          "fun main(args: string[]): int {\n"
                          "  println(greetings.hello(args[0]))\n"
                          "  var total = 0\n"
                          "  for (i in 0..100000) { total += i % 10 }\n"
                          "  return total % 256\n"
                          "}\n",
                          "greeter.nuri", options);
  if (!program) {
    std::cerr << program.error().render();
    return 1;
  }

  // Fuel for this run only: a host can run a guest in slices.
  std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate();
  if (nuri::Status loaded = guest->load(*program); !loaded) {
    std::cerr << loaded.error().render();
    return 1;
  }
  guest->setFuel(10000000);
  nuri::Result<int> status = guest->runMain({"embedder"});
  if (!status) {
    std::cerr << status.error().render();
    return 1;
  }
  std::cout << "main returned " << *status << "\n";

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
