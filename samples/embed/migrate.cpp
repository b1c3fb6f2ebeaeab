// A host that moves a running guest between processes, as a cluster moves a job between
// machines: it runs the guest for a slice of fuel, writes its snapshot to a file, and starts a
// new process (`migrate_demo --continue FILE`) that restores it, runs the next slice, and writes
// the snapshot again, until the guest ends. The guest's output, gathered from every process,
// is the same as one uninterrupted run's: the demo runs the guest both ways and compares.
#include <nuri/nuri.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <unistd.h>

// The guest: a bank that moves money between accounts with a deterministic random walk, and
// reports as it goes. Its state lives in objects, a Map, a closure and its frames.
const char* const kGuest = R"(
class Account {
  let name: string
  var balance: int
  init(name: string, balance: int) {
    this.name = name
    this.balance = balance
  }
}

var seed = 42
fun next(bound: int): int {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed % bound
}

fun main(args: string[]): int {
  let accounts = new Account[8]
  for (i in 0..8) { accounts[i] = Account("acct" + i, 1000) }
  let moves = Map<string, int>()
  let fee = { amount: int -> amount / 100 }
  var fees = 0
  for (step in 1..=20000) {
    let from = accounts[next(8)]
    let to = accounts[next(8)]
    let amount = next(200)
    if (from != to && from.balance >= amount) {
      from.balance -= amount
      to.balance += amount - fee(amount)
      fees += fee(amount)
      moves.put(from.name, moves.get(from.name, 0) + 1)
    }
    if (step % 4000 == 0) {
      var total = fees
      for (a in accounts) { total += a.balance }
      println("step " + step + ": total " + total + ", fees " + fees)
    }
  }
  for (a in accounts) { println(a.name + " " + a.balance + " after " + moves.get(a.name, 0) + " moves") }
  return 0
}
)";

constexpr uint64_t kSlice = 150000; // instructions of fuel per process

nuri::IsolateConfig sliceConfig(std::string* output) {
  nuri::IsolateConfig config;
  config.fuel = kSlice;
  config.suspendOnLimit = true; // suspend instead of failing when the fuel runs out
  if (output) config.output = [output](std::string_view text) { output->append(text); };
  return config;
}

// In a process of its own: restores the guest from `file`, runs one slice, and writes the
// snapshot back if it suspended again (exit 75) or ends with the guest's status.
int continueGuest(const std::string& file) {
  nuri::Runtime runtime;
  auto guest = runtime.restoreFile(file, sliceConfig(nullptr));
  if (!guest) {
    std::cerr << guest.error().render();
    return 65;
  }
  nuri::Result<nuri::Value> result = (*guest)->resume();
  std::fflush(stdout);
  if (result) return int(result->asInt().value_or(0));
  if (result.error().kind != nuri::Error::Kind::Suspended) {
    std::cerr << result.error().render();
    return 70;
  }
  if (auto written = (*guest)->snapshotToFile(file); !written) {
    std::cerr << written.error().render();
    return 74;
  }
  return 75;
}

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--continue") return continueGuest(argv[2]);

  nuri::Runtime runtime;
  nuri::Result<nuri::Program> program = nuri::compileSource(kGuest, "bank.nuri");
  if (!program) {
    std::cerr << program.error().render();
    return 1;
  }

  // Once without interruption, for comparison.
  std::string uninterrupted;
  {
    nuri::IsolateConfig config;
    config.output = [&](std::string_view text) { uninterrupted.append(text); };
    auto guest = runtime.newIsolate(config);
    if (!guest->load(*program) || !guest->runMain({})) return 1;
  }

  // Then in slices: the first here, each next one in a new process.
  std::string migrated;
  auto guest = runtime.newIsolate(sliceConfig(&migrated));
  if (!guest->load(*program)) return 1;
  nuri::Result<int> first = guest->runMain({});
  std::string file = "/tmp/migrate_demo." + std::to_string(getpid()) + ".nsnap";
  int processes = 1;
  int status = first ? *first : 75;
  if (!first && first.error().kind == nuri::Error::Kind::Suspended) {
    if (!guest->snapshotToFile(file)) return 1;
  } else if (!first) {
    std::cerr << first.error().render();
    return 1;
  }
  while (status == 75) {
    std::string command = std::string(argv[0]) + " --continue " + file;
    FILE* child = popen(command.c_str(), "r");
    if (!child) return 1;
    char buffer[4096];
    for (size_t n; (n = fread(buffer, 1, sizeof buffer, child)) > 0;)
      migrated.append(buffer, n);
    int wait = pclose(child);
    status = WIFEXITED(wait) ? WEXITSTATUS(wait) : 1;
    processes++;
  }
  std::remove(file.c_str());

  std::cout << migrated;
  std::cout << "the guest ran in " << processes << " processes, exit status " << status << "\n";
  std::cout << (migrated == uninterrupted ? "same output as an uninterrupted run\n"
                                          : "DIFFERENT output from an uninterrupted run\n");
  return migrated == uninterrupted && status == 0 ? 0 : 1;
}
