#!/usr/bin/python3
"""The element inside Python programs that also use OpenCV (engine/core/unwind_resume.cpp).

cv2 links GStreamer, and through it libunwind; imported before Gst is initialised, it used to
leave libstdc++ raising exceptions with libgcc_s while our libraries resumed them with libunwind:
the first error the element reported through a C++ exception killed the host with SIGSEGV. Each
import order runs in a child process of its own, so a crash is an exit status, not a lost test.
Exit 77 (skipped) where gi or cv2 is missing.
"""
import os
import subprocess
import sys
import tempfile

CHILD = r"""
import sys
order = sys.argv[1]
if order == "cv2 first":
    import cv2
import gi
gi.require_version("Gst", "1.0")
from gi.repository import Gst
if order == "Gst imported, cv2 before Gst.init":
    import cv2
Gst.init(None)
if order == "Gst initialised first":
    import cv2
pipeline = Gst.parse_launch(
    "videotestsrc num-buffers=3 ! video/x-raw,width=64,height=48 ! "
    "deltacnn config-file-path=" + sys.argv[2] + " ! fakesink")
pipeline.set_state(Gst.State.PLAYING)
message = pipeline.get_bus().timed_pop_filtered(
    20 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.EOS)
pipeline.set_state(Gst.State.NULL)
if message is None or message.type != Gst.MessageType.ERROR:
    print("no error message from the element")
    sys.exit(3)
print("ERROR:", message.parse_error()[0].message)
"""

ORDERS = ["cv2 first", "Gst imported, cv2 before Gst.init", "Gst initialised first", "no cv2"]


def main():
    probe = subprocess.run([sys.executable, "-c", "import gi, cv2"], capture_output=True)
    if probe.returncode != 0:
        print("SKIP: python3-gi or python3-opencv is not installed:",
              probe.stderr.decode(errors="replace").strip().splitlines()[-1:])
        return 77
    build_root = os.environ["DELTACNN_BUILD_ROOT"]
    failures = 0
    with tempfile.TemporaryDirectory() as scratch:
        config = os.path.join(scratch, "missing-model.yaml")
        with open(config, "w") as out:
            out.write("model:\n  name: missing\n  onnx: no-such-model.onnx\n")
        env = dict(os.environ,
                   GST_PLUGIN_PATH=os.path.join(build_root, "gst", "elements"),
                   GST_REGISTRY=os.path.join(scratch, "registry.bin"))
        for order in ORDERS:
            child = subprocess.run([sys.executable, "-c", CHILD, order, config], env=env,
                                   capture_output=True, timeout=120)
            output = child.stdout.decode(errors="replace") + child.stderr.decode(errors="replace")
            expected = "no-such-model.onnx' does not exist"
            if child.returncode != 0 or expected not in output:
                failures += 1
                print(f"FAIL [{order}]: exit status {child.returncode} (a negative status is the "
                      f"signal that killed it); expected 0 and an error naming the missing file; "
                      f"output:\n{output}")
            else:
                print(f"ok [{order}]: the element's error reached the program")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
