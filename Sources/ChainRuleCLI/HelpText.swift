/// Help texts in swift-argument-parser's shape: OVERVIEW, USAGE, ARGUMENTS, OPTIONS, SUBCOMMANDS.
enum HelpText {
  static let main = """
    OVERVIEW: Differentiate formulas symbolically and watch backpropagation work.

    With no arguments, ChainRule differentiates the textbook's toy model
      f[x, φ] = β₃ + ω₃·cos[β₂ + ω₂·exp(β₁ + ω₁·sin[β₀ + ω₀·x])],  ℓ = (f − y)²
    at the book's point and checks every derivative against numbers.

    USAGE: chainrule [<subcommand>] [<formula>] [<options>]

    SUBCOMMANDS:
      diff                    Print every partial derivative, simplified (default when a formula is given).
      check                   Compare the symbolic derivatives with central differences.
      trace                   Show the forward pass and backward passes beside the closed forms.
      latex                   Write the derivation as a LaTeX document.
      train                   Fit a model's parameters to a CSV data set by gradient descent.
      repl                    Type formulas one per line (also: no arguments on a terminal).
      help <subcommand>       Show help for a subcommand.

    OPTIONS:
      -h, --help              Show help information.
      --version               Show the version.

    See 'chainrule help <subcommand>' for detailed help.

    """

  static let diff = """
    OVERVIEW: Print every partial derivative of a formula, simplified.

    USAGE: chainrule diff <formula> [--wrt <names>] [--at <point>] [--format <format>] [--full]
           chainrule diff --file <path> [<options>]

    ARGUMENTS:
      <formula>               A formula, e.g. 'sin(x)^2*y', or lines 'name = formula' separated
                              by newlines or ';' (the last line is the result).

    OPTIONS:
      --wrt <names>           Differentiate with respect to these, e.g. beta0,omega0
                              (default: every variable, in order of first appearance).
      --at <point>            Evaluate at name=value pairs, e.g. x=1.5,y=-2.
      --format <format>       plain, unicode, latex or json
                              (default: unicode on a terminal, plain otherwise).
      -f, --file <path>       Read the formula from a file ('-' for standard input).
      --steps                 Show how each derivative is obtained, one named rule per line.
      --full                  Print closed forms of any size (larger than 10000 operations
                              are otherwise summarised).
      -h, --help              Show help information.

    EXAMPLES:
      chainrule diff 'sin(x)^2*y' --at x=1,y=2
      chainrule diff 'f = w*x + b; l = (f - y)^2' --wrt w,b --format json

    """

  static let check = """
    OVERVIEW: Check symbolic derivatives against central finite differences.

    USAGE: chainrule check <formula> --at <point> [--wrt <names>] [--format <format>]

    ARGUMENTS:
      <formula>               A formula or definitions, as for 'diff'.

    OPTIONS:
      --at <point>            The point, e.g. x=1.5,y=-2 (required).
      --wrt <names>           The variables to check (default: all).
      --format <format>       plain, unicode or json.
      -f, --file <path>       Read the formula from a file ('-' for standard input).
      -h, --help              Show help information.

    The numeric derivative is Richardson-extrapolated from central differences with steps h and
    h/2 (h = ε^(1/3)·max(1, |x|)); the tolerance is estimated from the same differences. Exits 1
    if any derivative disagrees. At a kink (relu, abs, max … switching branch within the step)
    the row says so instead of failing.

    """

  static let trace = """
    OVERVIEW: Show backpropagation step by step beside the expanded closed-form derivatives.

    USAGE: chainrule trace <formula> --at <point> [--wrt <names>] [--data <names>]
                           [--steps textbook|primitive] [--update <rate>] [--format <format>]

    ARGUMENTS:
      <formula>               A formula or definitions, as for 'diff'. Definitions name their
                              own steps.

    OPTIONS:
      --at <point>            A value for every variable, e.g. x=2.3,y=2 (required).
      --wrt <names>           The parameters (default: every variable except the data names).
      --data <names>          The data names, e.g. x,y (default: x, y, t, i with any subscript,
                              x_i, y_i, target, input).
      --steps <cut>           textbook (default): each function application is a step and the
                              arithmetic around it one step; primitive: one step per operation.
      --update <rate>         Append one gradient-descent step θ ← θ − rate·∂ℓ/∂θ.
      --format <format>       plain, unicode or json.
      -f, --file <path>       Read the formula from a file ('-' for standard input).
      -h, --help              Show help information.

    The forward pass stores every step's value; backward pass #1 computes ∂ℓ/∂(each step)
    from last to first, reusing those values; backward pass #2 reads off every parameter's
    derivative. The closed forms beside them show how much work the reuse saves.

    """

  static let latex = """
    OVERVIEW: Write a formula's derivatives as a LaTeX document that compiles with pdflatex.

    USAGE: chainrule latex <formula> [--at <point>] [--wrt <names>] [--steps] [--fragment]
                           [--brackets square|round] [-o <file>]

    ARGUMENTS:
      <formula>               A formula or definitions, as for 'diff'.

    OPTIONS:
      --wrt <names>           The variables to differentiate by (default: all).
      --at <point>            Add values, the forward pass, both backward passes and the
                              comparison table of 'trace'.
      --data <names>          The data names for the trace (as for 'trace').
      --steps                 Add the rule-by-rule derivation of every derivative.
      --fragment              Print only the body, for \\input.
      --brackets <style>      square (default, as the book) or round brackets for function
                              arguments.
      -o, --output <file>     Write to a file instead of standard output.
      -f, --file <path>       Read the formula from a file ('-' for standard input).
      -h, --help              Show help information.

    The document uses only amsmath and amssymb; long closed forms break across lines.

    """

  static let train = """
    OVERVIEW: Fit a model's parameters to data by gradient descent, using the backward pass.

    USAGE: chainrule train <model> --data <file.csv> --lr <rate> [--batch <n>] [--epochs <n>]
                           [--optimizer sgd|momentum|adam] [--seed <n>] [--at <values>]

    ARGUMENTS:
      <model>                 A loss for ONE data row, e.g. '(b + w*x - y)^2', or definitions.

    OPTIONS:
      --data <file.csv>       Rows of data; the header row names the columns, which are matched
                              to the model's variables (x, y, …). The other variables are fitted.
      --lr <rate>             The learning rate η.
      --batch <n>             Mini-batches of n rows, shuffled each epoch (default: full batch,
                              the mean over all rows).
      --epochs <n>            Passes over the data (default: 100).
      --optimizer <name>      sgd (θ ← θ − η·g), momentum (μ = 0.9) or adam (default: sgd).
      --seed <n>              Seed for shuffling and for random starting values (default: 1).
      --at <values>           Starting values, e.g. w=0.5,b=0; parameters not given start
                              uniformly random in [−0.5, 0.5]. Non-parameters given here are fixed.
      --wrt <names>           Fit only these parameters.
      --format <format>       plain or unicode (default: unicode on a terminal).
      -f, --file <path>       Read the model from a file.
      -h, --help              Show help information.

    Prints the loss after every epoch and a loss curve at the end.

    """

  static let repl = """
    OVERVIEW: Type formulas one per line and see their derivatives at once.

    USAGE: chainrule repl
           chainrule            (with a terminal on standard input)

    On a terminal the line has editing and history (libedit, when the system has it); piped
    input runs one line at a time, for scripts and tests. Errors never end the session.

    \(REPL.help)
    """
}
