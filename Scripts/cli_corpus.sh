#!/usr/bin/env bash
# Runs a fixed set of chainrule commands (every example, every format, errors) and prints what
# each wrote and its exit code, to compare two builds' command-line output:
#   Scripts/cli_corpus.sh path/to/old/chainrule > old.txt
#   Scripts/cli_corpus.sh path/to/new/chainrule > new.txt && diff old.txt new.txt
set -u
BIN=${1:?usage: cli_corpus.sh CHAINRULE}
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
TOYAT='beta0=1,beta1=2,beta2=-3,beta3=0.4,omega0=0.1,omega1=-0.4,omega2=2,omega3=3,x=2.3,y=2'
run() {
  echo "=== chainrule $*"
  "$BIN" "$@" </dev/null 2>&1
  echo "--- exit $?"
}
for f in plain unicode latex json; do
  run --format "$f"
  run diff -f Examples/toy-model.chain --at "$TOYAT" --format "$f"
  run diff -f Examples/toy-model.chain --at "$TOYAT" --format "$f" --steps --wrt omega0
  run trace -f Examples/toy-model.chain --at "$TOYAT" --format "$f"
  run check -f Examples/toy-model.chain --at "$TOYAT" --format "$f"
  run diff -f Examples/sigmoid-network.chain --format "$f"
  run diff -f Examples/softmax-cross-entropy.chain --at z1=1,z2=2,z3=0.5 --format "$f"
  run diff 'x^2' --format "$f" --steps
  run diff '(w*x - y)^2' --at w=0.5,x=2,y=3 --format "$f"
done
run trace -f Examples/toy-model.chain --at "$TOYAT" --steps primitive
run trace -f Examples/toy-model.chain --at "$TOYAT" --update 0.1
run trace -f Examples/toy-model-steps.chain --at "$TOYAT"
run trace -f Examples/sigmoid-network.chain --update 0.5 --at i1=0.05,i2=0.10,w1=0.15,w2=0.20,w3=0.25,w4=0.30,w5=0.40,w6=0.45,w7=0.50,w8=0.55,b1=0.35,b2=0.60,t1=0.01,t2=0.99
run trace -f Examples/shared-use.chain --at w=0.5,b=-0.2,x=1.5,y=0.3
run trace -f Examples/softmax-cross-entropy.chain --at z1=1,z2=2,z3=0.5
run trace -f Examples/relu-network.chain --data x1,x2,y --at x1=1,x2=2,y=1,a11=0.5,a12=-0.3,a13=0.8,a21=-0.2,a22=0.4,a23=-0.6,b1=0.7,b2=-0.5,b3=0.2
run trace -f Examples/l2-regularisation.chain --data x1,x2,y,lambda --at x1=1,x2=-0.5,y=0.3,lambda=0.1,w11=0.2,w12=-0.4,w21=0.7,w22=0.1,v1=0.5,v2=-0.3
run diff -f Examples/deep-chain.chain --wrt w1 --at x=1,y=0,w1=0.5,w2=0.5,w3=0.5,w4=0.5,w5=0.5,w6=0.5,w7=0.5,w8=0.5,w9=0.5,w10=0.5
run latex -f Examples/toy-model.chain --at "$TOYAT"
run latex -f Examples/toy-model.chain --at "$TOYAT" --steps --fragment
run latex -f Examples/sigmoid-network.chain
run latex '(w*x - y)^2' --at w=0.5,x=2,y=3
run train -f Examples/toy-model.chain --data Examples/toy-data.csv --lr 0.01 --epochs 20
run train -f Examples/toy-model.chain --data Examples/toy-data.csv --lr 0.01 --epochs 5 --optimizer adam --batch 8
for bad in '(x + 1' 'sinn(x)' 'x +' '2x y' 'sin x' 'f = f + 1' 'x^' ')' 'max(x)' '\frac{1}{x' '\foo x' 'a = 1; a = 2; a' '1e400' 'log(x)'; do
  run diff "$bad" --at x=-1
done
run diff
run diff --wrt
run diff x --format xml
run diff x --bogus
run help diff
run help trace
run --help
printf 'x^2\n:at x=3\n:trace\n:steps\nsin(x)*y\n:latex\n:quit\n' | "$BIN" repl 2>&1; echo "--- exit $?"
