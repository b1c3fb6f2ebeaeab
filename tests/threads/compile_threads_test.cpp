// Compiling on several threads at once, in a process of its own: the prelude is read once per
// process (compiler/shared_prelude.h), its generic classes when a program first uses them, so
// here the threads race to be first. Every thread must get the program a lone thread gets.
// Prints what it checked; exits non-zero on a failure.
#include <atomic>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "nuri/nuri.h"

namespace {

const char* const kPrograms[] = {
    "println(\"Hello, world!\")\n",
    "let l = List<int>()\nl.add(2)\nl.add(1)\nl.sort()\nprintln(l)\n",
    "let m = Map<string, int>()\nm.put(\"a\", 1)\nfor (k in m) { println(k) }\n",
    "let s = Set<string>()\ns.add(\"x\")\nprintln(s.toList().map({ x: string -> x.length }))\n",
    "class P { fun toString(): string { return \"P\" } "
    "}\nprintln([P()])\nprintln([P()].join(\",\"))\n",
    "let x: int = \"not an int\"\n",
};

std::string compileText(const char* source) {
  nuri::Result<nuri::Program> program = nuri::compileSource(source, "t.nuri");
  return program ? program->disassemble() : program.error().render();
}

} // namespace

int main() {
  nuri::Runtime runtime;
  constexpr int kThreads = 4;
  std::atomic<int> ready{0};
  std::vector<std::vector<std::string>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; t++) {
    threads.emplace_back([&, t] {
      ready++;
      while (ready < kThreads) {
      }
      // Each thread takes the programs in another order, so that each template has a race.
      size_t count = std::size(kPrograms);
      results[t].resize(count);
      for (size_t i = 0; i < count; i++) {
        size_t k = (i + size_t(t)) % count;
        results[t][k] = compileText(kPrograms[k]);
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  int failures = 0;
  for (size_t k = 0; k < std::size(kPrograms); k++) {
    std::string alone = compileText(kPrograms[k]);
    bool same = true;
    for (int t = 0; t < kThreads; t++)
      same = same && results[t][k] == alone;
    std::cout << (same ? "ok: " : "FAILED: ") << "program " << k
              << " compiles alike on every thread\n";
    if (!same) failures++;
  }
  return failures ? 1 : 0;
}
