// The collector and host threads, in a process of its own (the collector is initialised once
// per process, by whichever thread creates the Runtime):
// - the Runtime may be created on a thread that then ends;
// - a thread that called into Nuri and then idles receives none of the collector's signals
//   (they interrupted its system calls with EINTR);
// - a ThreadScope keeps a thread attached across calls.
// Prints what it checked; exits non-zero on a failure.
#include <sys/select.h>

#include <atomic>
#include <cerrno>
#include <iostream>
#include <memory>
#include <thread>

#include "nuri/nuri.h"

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  std::cout << (ok ? "ok: " : "FAILED: ") << what << "\n";
  if (!ok) failures++;
}

// Allocates enough to make the collector run several times.
const char* kGarbage = "var xs = new int[0]\n"
                       "for (i in 0..300000) { xs = new int[100] }\n"
                       "println(xs.length)\n";

bool runGarbage(nuri::Runtime& runtime, const nuri::Program& program) {
  std::string out;
  nuri::IsolateConfig config;
  config.output = [&out](std::string_view text) { out.append(text); };
  std::unique_ptr<nuri::Isolate> guest = runtime.newIsolate(config);
  return guest->load(program) && out == "100\n";
}

} // namespace

int main() {
  std::unique_ptr<nuri::Runtime> runtime;
  std::thread creator([&runtime] { runtime = std::make_unique<nuri::Runtime>(); });
  creator.join(); // the thread that initialised the collector is gone
  nuri::Result<nuri::Program> program = nuri::compileSource(kGarbage, "garbage.nuri");
  if (!program) {
    std::cerr << program.error().render();
    return 1;
  }
  check(runGarbage(*runtime, *program), "collections after the Runtime's thread ended");

  std::atomic<bool> stop{false};
  std::atomic<int> interrupted{0}, calls{0};
  std::thread idler([&] {
    runGarbage(*runtime, *program); // calls into Nuri, then idles in select()
    while (!stop) {
      timeval wait{0, 1000};
      if (select(0, nullptr, nullptr, nullptr, &wait) < 0 && errno == EINTR) interrupted++;
      calls++;
    }
  });
  for (int i = 0; i < 5; i++)
    runGarbage(*runtime, *program); // collections while the other thread idles
  stop = true;
  idler.join();
  std::cout << "select() interrupted " << interrupted << " times in " << calls << " calls\n";
  check(interrupted == 0, "an idle thread that used Nuri receives no collector signals");

  std::thread scoped([&] {
    nuri::ThreadScope scope;
    nuri::ThreadScope nested;
    check(runGarbage(*runtime, *program) && runGarbage(*runtime, *program),
          "calls under a (nested) ThreadScope");
  });
  scoped.join();
  return failures ? 1 : 0;
}
