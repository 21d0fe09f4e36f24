import ChainRuleMatrix

/// The NumPy program: seed 002's listing, with shape asserts and a gradient check.
extension CodeGenerator {
  func numpy(_ program: Program) -> String {
    let graph = formula.graph
    let inputs = formula.inputs
    let inputNames = inputs.map { identifier($0.name) }
    var out = header.map { "# " + $0 + "\n" }.joined()
    out += "# Run: python3 this.py [inputs.json]  (the JSON of chainrule diff ... --format json --random SEED)\n"
    out += "import json\nimport sys\n\nimport numpy as np\n\n"
    let sizes = sizeNames
    if !sizes.isEmpty {
      out += "# Sizes\n"
      out += sizes.map(identifier).joined(separator: ", ") + " = "
      out += sizes.map { String(formula.bindings.value(of: .named($0)) ?? 0) }.joined(separator: ", ") + "\n\n"
    }
    out += "# Inputs: from the JSON file if one is given, else standard normal as np.random.randn\n"
    out += "if len(sys.argv) > 1:\n"
    out += "    with open(sys.argv[1]) as f:\n"
    out += "        given = {k: np.array(e[\"value\"], dtype=float) for k, e in json.load(f)[\"inputs\"].items()}\n"
    for (input, name) in zip(inputs, inputNames) {
      out += "    \(name) = given[\"\(input.name)\"]\n"
    }
    out += "else:\n"
    out += "    np.random.seed(\(seed))\n"
    for (input, name) in zip(inputs, inputNames) {
      let (rows, columns) = (sizeText(input.shape.rows), sizeText(input.shape.columns))
      if let value = scalars[input.name] {
        out += "    \(name) = np.array([[\(Self.literal(value))]])\n"
        continue
      }
      switch input.labels {
      case .indices(let classes):
        out += "    \(name) = np.random.randint(\(sizeText(classes)), size=(\(rows), \(columns))).astype(float)\n"
      case .oneHot(let column):
        out +=
          column
          ? "    \(name) = np.eye(\(rows))[:, [np.random.randint(\(rows))]]\n"
          : "    \(name) = np.eye(\(columns))[np.random.randint(\(columns), size=\(rows))]\n"
      case nil:
        out += "    \(name) = np.random.randn(\(rows), \(columns))\n"
      }
    }
    if graph.nodes.contains(where: { $0.operation == .softmax }) {
      out += "\n\ndef softmax(a, axis=1):\n"
      out += "    e = np.exp(a - a.max(axis=axis, keepdims=True))\n"
      out += "    return e / e.sum(axis=axis, keepdims=True)\n"
    }
    out += "\n\ndef loss_of(\(inputNames.joined(separator: ", "))):\n"
    out += "    \"\"\"The forward pass alone: the \(program.result) at these inputs.\"\"\"\n"
    for step in program.forward { out += "    \(step.name) = \(step.text)\n" }
    out += "    return np.asarray(\(program.result)).item()\n\n\n"
    func assertion(_ name: String, _ node: MatrixNodeID) -> String {
      let shape = graph.shape(node)
      return graph.isScalar(node)
        ? "assert np.shape(\(name)) in [(), (1, 1)], np.shape(\(name))\n"
        : "assert \(name).shape == \(shapeTuple(shape)), \(name).shape\n"
    }
    out += "# Forward pass: each step computed once and stored\n"
    for step in program.forward {
      out += "\(step.name) = \(step.text)\n" + assertion(step.name, step.node)
    }
    out += "print(\"\(program.result)\", np.asarray(\(program.result)).item())\n\n"
    out += "# Backward pass: the gradient of \(program.result) with respect to every step, last to first\n"
    for step in program.backward {
      out += "\(step.name) = \(step.text)\n" + assertion(step.name, step.node)
    }
    for gradient in program.gradients {
      out += "\(gradient.name) = \(gradient.text)\n"
      let parameter = identifier(gradient.parameter)
      out +=
        graph.isScalar(gradient.node)
        ? "assert np.size(\(gradient.name)) == np.size(\(parameter)) == 1\n"
        : "assert \(gradient.name).shape == \(parameter).shape == \(shapeTuple(graph.shape(gradient.node)))\n"
    }
    out += "\n# Gradient check: central differences at a few entries of each gradient\n"
    out += "rng = np.random.RandomState(1)\n\n\n"
    out += "def check(name, value, grad, loss_at):\n"
    out += "    grad = np.broadcast_to(grad, value.shape)\n"
    out += "    worst = 0.0\n"
    out += "    for _ in range(3):\n"
    out += "        i, j = rng.randint(value.shape[0]), rng.randint(value.shape[1])\n"
    out += "        step = 1e-5 * max(1.0, abs(value[i, j]))\n"
    out += "        up, down = value.copy(), value.copy()\n"
    out += "        up[i, j] += step\n"
    out += "        down[i, j] -= step\n"
    out += "        numeric = (loss_at(up) - loss_at(down)) / (2 * step)\n"
    out += "        scale = max(abs(numeric), abs(grad[i, j]), 1e-300)\n"
    out += "        worst = max(worst, abs(numeric - grad[i, j]) / scale)\n"
    out += "    norm = np.sqrt(np.sum(np.square(grad)))\n"
    out += "    verdict = \"ok\" if worst < 1e-4 else \"MISMATCH\"\n"
    out += "    print(name, \"norm\", norm, \"worst relative error %.1e\" % worst, verdict)\n\n\n"
    for gradient in program.gradients {
      let parameter = identifier(gradient.parameter)
      let arguments = inputNames.map { $0 == parameter ? "candidate_" : $0 }.joined(separator: ", ")
      out +=
        "check(\"\(gradient.name)\", np.atleast_2d(\(parameter)), \(gradient.name), lambda candidate_: loss_of(\(arguments)))\n"
    }
    return out
  }
}
