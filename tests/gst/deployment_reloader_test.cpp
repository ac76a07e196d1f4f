// DeploymentReloader: background loads of real deployments (MoveNet Lightning, PoseNet) while
// the caller goes on, requests coalesced to the newest, failures reported with the file named,
// cancel() waiting for a load in flight. The loader is load_deployment itself; a gate around
// it only holds a load back so that the test can make requests while it runs.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "gst/elements/deployment_reloader.h"
#include "tests/gst/gst_test_support.h"

namespace {

using deltacnn_gst::Deployment;
using deltacnn_gst::DeploymentReloader;
using deltacnn_gst::ElementSettings;
using deltacnn_gst::ReloadFailure;
using deltacnn_test::config_path;
using deltacnn_test::require_asset;
using namespace std::chrono_literals;

ElementSettings settings_for(const std::string& yaml) {
  ElementSettings s;
  s.config_file_path = yaml;
  s.backend = deltacnn_gst::BackendSetting::Cpu;
  return s;
}

// What the reloader's callbacks saw, and a gate that holds loads until opened.
struct Recorder {
  std::mutex lock;
  std::condition_variable changed;
  bool gate_open = true;
  int loads_started = 0;
  std::vector<std::string> loaded;  // config paths, in load order
  std::vector<const dcnn::Model*> replacing;
  std::vector<ReloadFailure> failures;

  DeploymentReloader::Load load() {
    return [this](const ElementSettings& s, const dcnn::Model* old) {
      {
        std::unique_lock<std::mutex> guard(lock);
        ++loads_started;
        replacing.push_back(old);
        changed.notify_all();
        changed.wait(guard, [&] { return gate_open; });
      }
      Deployment d = deltacnn_gst::load_deployment(s, old);
      std::lock_guard<std::mutex> guard(lock);
      loaded.push_back(s.config_file_path);
      changed.notify_all();
      return d;
    };
  }
  DeploymentReloader::Failed failed() {
    return [this](const ReloadFailure& f) {
      std::lock_guard<std::mutex> guard(lock);
      failures.push_back(f);
      changed.notify_all();
    };
  }
  void set_gate(bool open) {
    std::lock_guard<std::mutex> guard(lock);
    gate_open = open;
    changed.notify_all();
  }
  // Waits (at most 60 s) until `done` holds under the lock.
  template <typename Pred>
  bool wait_for(Pred done) {
    std::unique_lock<std::mutex> guard(lock);
    return changed.wait_for(guard, 60s, done);
  }
};

// Polls take_ready() until a result comes (at most 60 s).
std::optional<std::pair<Deployment, uint64_t>> wait_ready(DeploymentReloader& reloader) {
  for (int i = 0; i < 6000; ++i) {
    if (auto ready = reloader.take_ready()) return ready;
    std::this_thread::sleep_for(10ms);
  }
  return std::nullopt;
}

class DeploymentReloaderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { deltacnn_test::init_gstreamer(); }
  std::string lightning() { return config_path("movenet-lightning.yaml"); }
  std::string posenet() { return config_path("posenet.yaml"); }
};

TEST_F(DeploymentReloaderTest, LoadsInTheBackgroundAndHandsOverOnce) {
  if (!require_asset(lightning())) return;
  Recorder rec;
  DeploymentReloader reloader(rec.load(), rec.failed());
  EXPECT_FALSE(reloader.take_ready());
  EXPECT_FALSE(reloader.busy());
  const uint64_t number = reloader.request(settings_for(lightning()));
  EXPECT_EQ(number, 1u);
  auto ready = wait_ready(reloader);
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->second, 1u);
  ASSERT_NE(ready->first.model, nullptr);
  ASSERT_NE(ready->first.stream, nullptr);
  EXPECT_EQ(ready->first.model->info().name, "movenet-lightning");
  EXPECT_EQ(ready->first.settings.config_file_path, lightning());
  EXPECT_FALSE(reloader.take_ready());  // handed over once
  EXPECT_FALSE(reloader.busy());
  EXPECT_TRUE(rec.failures.empty());
}

TEST_F(DeploymentReloaderTest, RequestsDuringALoadCoalesceToTheNewest) {
  if (!require_asset(lightning()) || !require_asset(posenet())) return;
  Recorder rec;
  DeploymentReloader reloader(rec.load(), rec.failed());
  rec.set_gate(false);
  reloader.request(settings_for(lightning()));
  ASSERT_TRUE(rec.wait_for([&] { return rec.loads_started == 1; }));
  EXPECT_TRUE(reloader.busy());
  // Three more while the first is held: only the last is loaded after it.
  reloader.request(settings_for("/nonexistent/first.yaml"));
  reloader.request(settings_for("/nonexistent/second.yaml"));
  const uint64_t last = reloader.request(settings_for(posenet()));
  EXPECT_EQ(last, 4u);
  rec.set_gate(true);
  ASSERT_TRUE(rec.wait_for([&] { return rec.loaded.size() == 2; }));
  for (int i = 0; i < 6000 && reloader.busy(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(reloader.busy());
  auto ready = reloader.take_ready();
  ASSERT_TRUE(ready);
  // The newest load wins; the first one's result, never taken, is dropped.
  EXPECT_EQ(ready->second, 4u);
  EXPECT_EQ(ready->first.model->info().name, "posenet");
  EXPECT_FALSE(reloader.take_ready());
  EXPECT_EQ(rec.loads_started, 2);
  EXPECT_TRUE(rec.failures.empty());
  // The second load was told what the first loaded: the newest model is what it replaces.
  ASSERT_EQ(rec.replacing.size(), 2u);
  EXPECT_EQ(rec.replacing[0], nullptr);
  EXPECT_NE(rec.replacing[1], nullptr);
}

TEST_F(DeploymentReloaderTest, AFailedLoadIsReportedWithTheFileAndKind) {
  Recorder rec;
  DeploymentReloader reloader(rec.load(), rec.failed());
  const uint64_t number = reloader.request(settings_for("/nonexistent/cams.yaml"));
  ASSERT_TRUE(rec.wait_for([&] { return rec.failures.size() == 1; }));
  const ReloadFailure& f = rec.failures[0];
  EXPECT_EQ(f.request, number);
  EXPECT_EQ(f.settings.config_file_path, "/nonexistent/cams.yaml");
  ASSERT_TRUE(f.kind.has_value());
  EXPECT_EQ(*f.kind, dcnn::ErrorKind::NotFound);
  EXPECT_NE(f.message.find("/nonexistent/cams.yaml"), std::string::npos) << f.message;
  EXPECT_FALSE(reloader.take_ready());
}

TEST_F(DeploymentReloaderTest, CancelWaitsForTheLoadInFlightAndDropsIt) {
  if (!require_asset(lightning())) return;
  Recorder rec;
  DeploymentReloader reloader(rec.load(), rec.failed());
  rec.set_gate(false);
  reloader.request(settings_for(lightning()));
  ASSERT_TRUE(rec.wait_for([&] { return rec.loads_started == 1; }));
  reloader.request(settings_for(lightning()));  // pending behind it: dropped by cancel
  std::thread opener([&] {
    std::this_thread::sleep_for(200ms);
    rec.set_gate(true);
  });
  reloader.cancel();  // returns only after the held load ran
  opener.join();
  EXPECT_EQ(rec.loaded.size(), 1u);
  EXPECT_EQ(rec.loads_started, 1);
  EXPECT_FALSE(reloader.take_ready());
  EXPECT_FALSE(reloader.busy());
  // Usable again after a cancel (the element's next start).
  reloader.request(settings_for(lightning()));
  EXPECT_TRUE(wait_ready(reloader));
}

}  // namespace

namespace {

// A load that the taker's check refuses (the element: zones that do not fit the caps in effect)
// counts as a failure, reported on the taker's thread; the running deployment is what the next
// failure falls back to, and the one after it replaces, not the refused one.
TEST_F(DeploymentReloaderTest, ALoadRefusedAtTakeIsAFailureAndTheRunningOneStaysTheFallback) {
  if (!require_asset(lightning()) || !require_asset(posenet())) return;
  Recorder rec;
  DeploymentReloader reloader(rec.load(), rec.failed());
  const ElementSettings running = settings_for(lightning());
  Deployment first = deltacnn_gst::load_deployment(running);
  reloader.set_running(first.model.get(), running);

  reloader.request(settings_for(posenet()));
  for (int i = 0; i < 6000 && reloader.busy(); ++i) std::this_thread::sleep_for(10ms);
  const auto refuse = [](Deployment&) { throw dcnn::Error(dcnn::ErrorKind::Config, "zones do not fit"); };
  EXPECT_FALSE(reloader.take_ready(refuse));
  ASSERT_EQ(rec.failures.size(), 1u);
  EXPECT_EQ(rec.failures[0].message, "zones do not fit");
  EXPECT_EQ(rec.failures[0].kind, dcnn::ErrorKind::Config);
  EXPECT_EQ(rec.failures[0].settings.config_file_path, posenet());
  EXPECT_EQ(rec.failures[0].request, 1u);
  EXPECT_EQ(rec.failures[0].fallback.config_file_path, lightning());
  EXPECT_FALSE(reloader.take_ready());  // dropped, not handed over later

  // A later failing load falls back to the running deployment; a good one replaces it.
  reloader.request(settings_for("/nonexistent/next.yaml"));
  ASSERT_TRUE(rec.wait_for([&] { return rec.failures.size() == 2; }));
  EXPECT_EQ(rec.failures[1].fallback.config_file_path, lightning());
  reloader.request(settings_for(posenet()));
  auto ready = wait_ready(reloader);
  ASSERT_TRUE(ready);
  EXPECT_EQ(rec.replacing.back(), first.model.get());
}

}  // namespace
