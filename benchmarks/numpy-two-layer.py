#!/usr/bin/env python3
"""Seed 002's NumPy listing ("Learning PyTorch with Examples", the NumPy warm-up), timed.

One training iteration at full size (N, D_in, H, D_out = 64, 1000, 100, 10): the forward pass,
the loss, the backward pass and the update, exactly the lines of the listing's loop body. The
time is the median of repeated samples after a warm-up; then the listing's own 500 iterations
run once, for the loss at t = 0 and t = 499. chainrule-bench runs this script in the same run
and prints the ratio; set OPENBLAS_NUM_THREADS (or MKL_NUM_THREADS) to fix BLAS's threads.

Usage: numpy-two-layer.py [--quick]     prints one JSON object
"""
import json
import os
import statistics
import sys
import time

import numpy as np

N, D_in, H, D_out = 64, 1000, 100, 10
np.random.seed(0)
x = np.random.randn(N, D_in)
y = np.random.randn(N, D_out)
w1 = np.random.randn(D_in, H)
w2 = np.random.randn(H, D_out)
learning_rate = 1e-6


def iteration():
    """The body of the listing's `for t in range(500)` loop."""
    # Forward pass: compute predicted y
    h = x.dot(w1)
    h_relu = np.maximum(h, 0)
    y_pred = h_relu.dot(w2)
    # Compute the loss
    loss = np.square(y_pred - y).sum()
    # Backprop to compute gradients of w1 and w2 with respect to loss
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.T.dot(grad_y_pred)
    grad_h_relu = grad_y_pred.dot(w2.T)
    grad_h = grad_h_relu.copy()
    grad_h[h < 0] = 0
    grad_w1 = x.T.dot(grad_h)
    # Update weights
    w1[...] -= learning_rate * grad_w1
    w2[...] -= learning_rate * grad_w2
    return loss


def median_time(body, warm_up, samples, sample_time):
    deadline = time.perf_counter() + warm_up
    runs, spent = 0, 0.0
    while True:
        start = time.perf_counter()
        body()
        spent += time.perf_counter() - start
        runs += 1
        if time.perf_counter() >= deadline:
            break
    repeats = max(1, int(sample_time / (spent / runs)))
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        for _ in range(repeats):
            body()
        times.append((time.perf_counter() - start) / repeats)
    return statistics.median(times)


quick = "--quick" in sys.argv
seconds = median_time(iteration, 0.02 if quick else 0.3, 3 if quick else 15, 0.002 if quick else 0.05)

# The listing as written: fresh weights, 500 iterations, the loss at the first and the last.
np.random.seed(0)
x = np.random.randn(N, D_in)
y = np.random.randn(N, D_out)
w1 = np.random.randn(D_in, H)
w2 = np.random.randn(H, D_out)
losses = [iteration() for t in range(500)]
print(json.dumps({
    "iteration": seconds,
    "numpy": np.__version__,
    "threads": os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("MKL_NUM_THREADS") or "default",
    "loss0": float(losses[0]),
    "loss499": float(losses[-1]),
}))
