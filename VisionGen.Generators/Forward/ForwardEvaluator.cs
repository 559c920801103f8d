using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using VisionGen.Generators.Ir;
using VisionGen.Generators.Model;

namespace VisionGen.Generators.Forward
{
    /// <summary>
    /// Evaluates a model's <c>Forward</c> method at build time, as a small interpreter over its syntax and semantic model:
    /// locals and reassignment, helper methods of the class (inlined, with constant arguments), <c>for</c>/<c>foreach</c>/
    /// <c>while</c> loops and <c>if</c>s over compile-time constants, arithmetic, interpolated strings, arrays and
    /// <c>List&lt;Tensor&gt;</c>, tuples, and calls of <c>VisionGen.Nn</c> — each of which adds an op to the graph through
    /// the op's own <see cref="NnCall"/> factory. Anything else stops evaluation with a diagnostic at the exact expression;
    /// shape errors are reported at their call and evaluation goes on, so every one is found.
    /// </summary>
    internal sealed class ForwardEvaluator
    {
        private const string NnType = "VisionGen.Nn";
        private const string TensorType = "VisionGen.Tensor";
        private const int MaxDepth = 64;
        private const int MaxSteps = 1_000_000;

        private readonly Compilation _compilation;
        private readonly INamedTypeSymbol _model;
        private readonly NetBuilder _b;
        private readonly CancellationToken _cancellation;
        private readonly Dictionary<IFieldSymbol, object?> _fields = new Dictionary<IFieldSymbol, object?>(SymbolEqualityComparer.Default);
        private SemanticModel _semantic;
        private Dictionary<ISymbol, object?> _locals = new Dictionary<ISymbol, object?>(SymbolEqualityComparer.Default);
        private object? _returned;
        private int _depth;
        private int _steps;

        private ForwardEvaluator(Compilation compilation, INamedTypeSymbol model, SemanticModel semantic, NetBuilder builder, CancellationToken cancellation)
        {
            _compilation = compilation;
            _model = model;
            _semantic = semantic;
            _b = builder;
            _cancellation = cancellation;
        }

        private enum Flow
        {
            Normal,
            Return,
            Break,
            Continue,
        }

        /// <summary>Finds the model's <c>Forward</c> method (null when it has none).</summary>
        public static IMethodSymbol? Find(INamedTypeSymbol model) =>
            model.GetMembers("Forward").OfType<IMethodSymbol>().FirstOrDefault(m => m.MethodKind == MethodKind.Ordinary);

        /// <summary>
        /// Evaluates <paramref name="forward"/> into <paramref name="builder"/> and records its outputs. Returns false when
        /// it reported an error (the graph is then not used).
        /// </summary>
        public static bool Evaluate(Compilation compilation, INamedTypeSymbol model, IMethodSymbol forward, NetBuilder builder, CancellationToken cancellation)
        {
            int before = builder.Diagnostics.Count;
            var syntax = forward.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(cancellation) as MethodDeclarationSyntax;
            LocationInfo? at = LocationInfo.From(syntax);
            string? problem = SignatureProblem(forward, syntax);
            if (problem is not null)
            {
                builder.Diagnostics.Add(new DiagnosticInfo(Diagnostics.ForwardSignature.Id, at, new EquatableArray<string>(new[] { problem })));
                return false;
            }
            var evaluator = new ForwardEvaluator(compilation, model, compilation.GetSemanticModel(syntax!.SyntaxTree), builder, cancellation);
            try
            {
                evaluator._locals[forward.Parameters[0]] = new TensorValue(NetBuilder.InputName);
                object? result = evaluator.Body(syntax);
                evaluator.RecordOutputs(forward, result, syntax);
            }
            catch (EvaluationError error)
            {
                builder.Diagnostics.Add(new DiagnosticInfo(Diagnostics.ForwardUnsupported.Id, LocationInfo.From(error.Node),
                    new EquatableArray<string>(new[] { Shorten(error.Node.ToString()), error.Message })));
            }
            return builder.Diagnostics.Count == before;
        }

        private static string? SignatureProblem(IMethodSymbol forward, MethodDeclarationSyntax? syntax)
        {
            if (syntax is null || syntax.Body is null && syntax.ExpressionBody is null) return "it needs a body in this class's source";
            if (forward.IsGenericMethod) return "it cannot be generic";
            if (forward.Parameters.Length != 1 || forward.Parameters[0].Type.ToDisplayString() != TensorType)
                return "it takes exactly one parameter, the input tensor: Forward(Tensor x)";
            if (forward.ReturnType.ToDisplayString() == TensorType) return null;
            if (forward.ReturnType is INamedTypeSymbol { IsTupleType: true } tuple && tuple.TupleElements.All(e => e.Type.ToDisplayString() == TensorType)) return null;
            return $"it returns {forward.ReturnType.ToDisplayString()}; return a Tensor, or a tuple of tensors for several outputs";
        }

        private void RecordOutputs(IMethodSymbol forward, object? result, MethodDeclarationSyntax syntax)
        {
            var tensors = new List<TensorValue>();
            var names = new List<string>();
            if (result is TensorValue single)
            {
                tensors.Add(single);
                names.Add("Output");
            }
            else if (result is TupleValue tuple)
            {
                var elements = ((INamedTypeSymbol)forward.ReturnType).TupleElements;
                bool named = elements.All(e => e.IsExplicitlyNamedTupleElement) && elements.Select(e => e.Name).Distinct().Count() == elements.Length;
                for (int i = 0; i < tuple.Items.Length; i++)
                {
                    tensors.Add(tuple.Items[i] as TensorValue ?? TensorValue.Error);
                    names.Add(named ? char.ToUpperInvariant(elements[i].Name[0]) + elements[i].Name.Substring(1) : "Output" + i.ToString(CultureInfo.InvariantCulture));
                }
            }
            else
            {
                throw new EvaluationError(syntax.Identifier.Parent ?? syntax, "Forward ended without returning a tensor");
            }
            if (tensors.Any(t => t.Name is null)) return; // an op failed and was reported
            for (int i = 0; i < tensors.Count; i++) _b.Output(tensors[i].Name!, names[i]);
        }

        // ------------------------------------------------------------------ statements

        private object? Body(BaseMethodDeclarationSyntax method)
        {
            if (method.ExpressionBody is not null) return Eval(method.ExpressionBody.Expression);
            _returned = null;
            Exec(method.Body!);
            object? value = _returned;
            _returned = null;
            return value;
        }

        private Flow Exec(StatementSyntax statement)
        {
            _cancellation.ThrowIfCancellationRequested();
            if (++_steps > MaxSteps) throw new EvaluationError(statement, $"evaluating Forward took more than {MaxSteps:N0} steps; loops must run a bounded, constant number of times");
            switch (statement)
            {
                case BlockSyntax block:
                    foreach (StatementSyntax s in block.Statements)
                    {
                        Flow flow = Exec(s);
                        if (flow != Flow.Normal) return flow;
                    }
                    return Flow.Normal;
                case LocalDeclarationStatementSyntax local:
                    if (local.UsingKeyword != default || local.AwaitKeyword != default) throw new EvaluationError(local, "using declarations are not supported in Forward");
                    foreach (VariableDeclaratorSyntax v in local.Declaration.Variables)
                    {
                        ISymbol symbol = _semantic.GetDeclaredSymbol(v)!;
                        object? value = v.Initializer is null ? null : Named(Eval(v.Initializer.Value), v.Identifier.ValueText);
                        _locals[symbol] = value;
                    }
                    return Flow.Normal;
                case ExpressionStatementSyntax expression:
                    Eval(expression.Expression);
                    return Flow.Normal;
                case ReturnStatementSyntax ret:
                    _returned = ret.Expression is null ? null : Eval(ret.Expression);
                    return Flow.Return;
                case IfStatementSyntax ifStatement:
                    if (Bool(ifStatement.Condition)) return Exec(ifStatement.Statement);
                    return ifStatement.Else is null ? Flow.Normal : Exec(ifStatement.Else.Statement);
                case ForStatementSyntax loop:
                    if (loop.Declaration is not null) Declare(loop.Declaration);
                    foreach (ExpressionSyntax init in loop.Initializers) Eval(init);
                    while (loop.Condition is null || Bool(loop.Condition))
                    {
                        Flow flow = Exec(loop.Statement);
                        if (flow == Flow.Return) return flow;
                        if (flow == Flow.Break) break;
                        foreach (ExpressionSyntax step in loop.Incrementors) Eval(step);
                        Count(loop);
                    }
                    return Flow.Normal;
                case ForEachStatementSyntax each:
                {
                    object? source = Eval(each.Expression);
                    IEnumerable<object?> items = source is SequenceValue seq ? seq.Items.ToList()
                        : throw new EvaluationError(each.Expression, "foreach runs over an array or list built in Forward (or a constant array)");
                    ISymbol variable = _semantic.GetDeclaredSymbol(each)!;
                    foreach (object? item in items)
                    {
                        _locals[variable] = item;
                        Flow flow = Exec(each.Statement);
                        if (flow == Flow.Return) return flow;
                        if (flow == Flow.Break) break;
                        Count(each);
                    }
                    return Flow.Normal;
                }
                case WhileStatementSyntax loop:
                    while (Bool(loop.Condition))
                    {
                        Flow flow = Exec(loop.Statement);
                        if (flow == Flow.Return) return flow;
                        if (flow == Flow.Break) break;
                        Count(loop);
                    }
                    return Flow.Normal;
                case BreakStatementSyntax:
                    return Flow.Break;
                case ContinueStatementSyntax:
                    return Flow.Continue;
                case EmptyStatementSyntax:
                    return Flow.Normal;
                case ThrowStatementSyntax thrown:
                    throw new EvaluationError(thrown, "Forward throws here for these constants" + ThrownMessage(thrown.Expression));
                default:
                    throw new EvaluationError(statement, $"a {Describe(statement)} is not supported in Forward (locals, assignments, if, for, foreach, while, return and calls are)");
            }
        }

        /// <summary>A for loop's declaration, evaluated against the loop's own declarators (their symbols).</summary>
        private void Declare(VariableDeclarationSyntax declaration)
        {
            foreach (VariableDeclaratorSyntax v in declaration.Variables)
                _locals[_semantic.GetDeclaredSymbol(v)!] = v.Initializer is null ? null : Eval(v.Initializer.Value);
        }

        private void Count(SyntaxNode loop)
        {
            if (++_steps > MaxSteps) throw new EvaluationError(loop, $"evaluating Forward took more than {MaxSteps:N0} steps; loops must run a bounded, constant number of times");
        }

        private string ThrownMessage(ExpressionSyntax? expression)
        {
            if (expression is ObjectCreationExpressionSyntax { ArgumentList.Arguments.Count: > 0 } creation)
            {
                try
                {
                    if (Eval(creation.ArgumentList.Arguments[0].Expression) is string text) return ": " + text;
                }
                catch (EvaluationError)
                {
                }
            }
            return "";
        }

        /// <summary>Names a tensor made by an initializer after the local it is assigned to.</summary>
        private object? Named(object? value, string local)
        {
            if (value is TensorValue { Name: string name }) _b.Rename(name, local);
            return value;
        }

        // ------------------------------------------------------------------ expressions

        private bool Bool(ExpressionSyntax condition) => Eval(condition) is bool b
            ? b
            : throw new EvaluationError(condition, "the condition must be a compile-time constant bool (it may use loop variables, parameters and tensor sizes)");

        private object? Eval(ExpressionSyntax expression)
        {
            _cancellation.ThrowIfCancellationRequested();
            Optional<object?> constant = _semantic.GetConstantValue(expression, _cancellation);
            if (constant.HasValue) return Normalize(constant.Value);
            switch (expression)
            {
                case ParenthesizedExpressionSyntax p:
                    return Eval(p.Expression);
                case IdentifierNameSyntax identifier:
                    return Identifier(identifier);
                case MemberAccessExpressionSyntax member:
                    return Member(member);
                case InvocationExpressionSyntax invocation:
                    return Invoke(invocation);
                case BinaryExpressionSyntax binary:
                    return Binary(binary);
                case PrefixUnaryExpressionSyntax prefix:
                    return Prefix(prefix);
                case PostfixUnaryExpressionSyntax postfix:
                    return Step(postfix.Operand, postfix.IsKind(SyntaxKind.PostIncrementExpression) ? 1 : -1, returnOld: true);
                case ConditionalExpressionSyntax conditional:
                    return Bool(conditional.Condition) ? Eval(conditional.WhenTrue) : Eval(conditional.WhenFalse);
                case CastExpressionSyntax cast:
                    return Cast(cast);
                case InterpolatedStringExpressionSyntax interpolated:
                    return Interpolate(interpolated);
                case ElementAccessExpressionSyntax access:
                {
                    SequenceValue seq = Sequence(access.Expression);
                    return seq.Items[Index(seq, access.ArgumentList.Arguments)];
                }
                case AssignmentExpressionSyntax assignment:
                    return Assign(assignment);
                case TupleExpressionSyntax tuple:
                    return new TupleValue(tuple.Arguments.Select(a => Eval(a.Expression)).ToArray(), tuple.Arguments.Select(a => a.NameColon?.Name.Identifier.ValueText).ToArray());
                case ImplicitArrayCreationExpressionSyntax implicitArray:
                    return new SequenceValue(implicitArray.Initializer.Expressions.Select(Eval), isList: false);
                case ArrayCreationExpressionSyntax array:
                    return ArrayCreation(array);
                case CollectionExpressionSyntax collection:
                    return Collection(collection);
                case ObjectCreationExpressionSyntax creation:
                    return Creation(creation, creation.ArgumentList, creation.Initializer);
                case ImplicitObjectCreationExpressionSyntax creation:
                    return Creation(creation, creation.ArgumentList, creation.Initializer);
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.NullLiteralExpression):
                    return null;
                default:
                    throw new EvaluationError(expression, $"a {Describe(expression)} is not supported in Forward");
            }
        }

        /// <summary>Constants as the evaluator computes with them: int, long, double, bool, string.</summary>
        private static object? Normalize(object? value) => value switch
        {
            float f => (double)f,
            short s => (int)s,
            byte b => (int)b,
            sbyte b => (int)b,
            ushort u => (int)u,
            char c => c.ToString(),
            uint u => (long)u,
            _ => value,
        };

        private object? Identifier(IdentifierNameSyntax identifier)
        {
            ISymbol? symbol = _semantic.GetSymbolInfo(identifier, _cancellation).Symbol;
            switch (symbol)
            {
                case ILocalSymbol or IParameterSymbol or IRangeVariableSymbol:
                    if (_locals.TryGetValue(symbol, out object? value)) return value;
                    throw new EvaluationError(identifier, $"'{identifier.Identifier.ValueText}' has no value yet here");
                case IFieldSymbol field:
                    return Field(field, identifier);
                case IPropertySymbol property:
                    return Property(property, identifier);
                default:
                    throw new EvaluationError(identifier, $"'{identifier.Identifier.ValueText}' is not a local, parameter or constant Forward can read");
            }
        }

        /// <summary>A static readonly field with an initializer in source (constants are folded before this).</summary>
        private object? Field(IFieldSymbol field, SyntaxNode at)
        {
            if (_fields.TryGetValue(field, out object? cached)) return cached;
            if (field.IsStatic && field.IsReadOnly && field.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellation) is VariableDeclaratorSyntax { Initializer: { } init })
            {
                object? value = InModel(init.SyntaxTree, () => Eval(init.Value));
                _fields[field] = value;
                return value;
            }
            throw new EvaluationError(at, $"'{field.Name}' is not a constant or a static readonly field with an initializer in source");
        }

        /// <summary>A static get-only property with an expression body or initializer in source.</summary>
        private object? Property(IPropertySymbol property, SyntaxNode at)
        {
            if (property.IsStatic && property.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellation) is PropertyDeclarationSyntax declaration)
            {
                ExpressionSyntax? value = declaration.ExpressionBody?.Expression ?? declaration.Initializer?.Value;
                if (value is not null) return InModel(declaration.SyntaxTree, () => Eval(value));
            }
            throw new EvaluationError(at, $"'{property.Name}' is not a static property with a constant value Forward can read");
        }

        private T InModel<T>(SyntaxTree tree, Func<T> action)
        {
            SemanticModel saved = _semantic;
            if (saved.SyntaxTree != tree) _semantic = _compilation.GetSemanticModel(tree);
            try
            {
                return action();
            }
            finally
            {
                _semantic = saved;
            }
        }

        private object? Member(MemberAccessExpressionSyntax member)
        {
            ISymbol? symbol = _semantic.GetSymbolInfo(member, _cancellation).Symbol;
            if (symbol is IFieldSymbol { IsStatic: true } staticField) return Field(staticField, member);
            if (symbol is IPropertySymbol { IsStatic: true } staticProperty) return Property(staticProperty, member);
            object? target = Eval(member.Expression);
            string name = member.Name.Identifier.ValueText;
            switch (target)
            {
                case TensorValue tensor:
                {
                    if (tensor.Name is null) return 1; // poisoned: an error was reported; keep going with a harmless size
                    Shape shape = _b.ShapeOf(tensor.Name);
                    switch (name)
                    {
                        case "Batch": return shape.N;
                        case "Rank": return shape.Rank;
                        case "Channels": return Dim(shape, 1, member);
                        case "Height": return Dim(shape, 2, member);
                        case "Width": return Dim(shape, 3, member);
                    }
                    break;
                }
                case SequenceValue seq when name is "Length" or "Count":
                    return seq.Items.Count;
                case TupleValue tuple:
                {
                    int index = Array.IndexOf(tuple.Names, name);
                    if (index < 0 && name.StartsWith("Item", StringComparison.Ordinal) && int.TryParse(name.Substring(4), out int item)) index = item - 1;
                    if (index < 0 && symbol is IFieldSymbol { CorrespondingTupleField: { } tupleField }) index = ((INamedTypeSymbol)tupleField.ContainingType).TupleElements.IndexOf(tupleField);
                    if (index >= 0 && index < tuple.Items.Length) return tuple.Items[index];
                    break;
                }
            }
            throw new EvaluationError(member, $"'{name}' cannot be read here (tensors have Batch, Channels, Height, Width and Rank; arrays Length; lists Count)");
        }

        private static int Dim(Shape shape, int axis, SyntaxNode at) => axis < shape.Rank
            ? shape[axis]
            : throw new EvaluationError(at, $"the tensor is {shape.Text}: it has no dimension {axis}");

        private object? Binary(BinaryExpressionSyntax binary)
        {
            if (binary.IsKind(SyntaxKind.LogicalAndExpression)) return Bool(binary.Left) && Bool(binary.Right);
            if (binary.IsKind(SyntaxKind.LogicalOrExpression)) return Bool(binary.Left) || Bool(binary.Right);
            if (binary.IsKind(SyntaxKind.CoalesceExpression)) return Eval(binary.Left) ?? Eval(binary.Right);
            object? left = Eval(binary.Left), right = Eval(binary.Right);
            if (left is TensorValue || right is TensorValue)
            {
                string? method = binary.Kind() switch
                {
                    SyntaxKind.AddExpression => "Add",
                    SyntaxKind.MultiplyExpression => "Mul",
                    _ => null,
                };
                if (method is null || left is not TensorValue || right is not TensorValue)
                    throw new EvaluationError(binary, "tensors support + and * with another tensor (Add and Mul, with broadcasting)");
                return CallOp(method, binary, new Dictionary<string, object?> { ["a"] = left, ["b"] = right }, new HashSet<string> { "a", "b" });
            }
            if (binary.IsKind(SyntaxKind.AddExpression) && (left is string || right is string)) return Text(left) + Text(right);
            if (binary.Kind() is SyntaxKind.EqualsExpression or SyntaxKind.NotEqualsExpression && (left is string or bool or null || right is string or bool or null))
                return binary.IsKind(SyntaxKind.EqualsExpression) == Equals(left, right);
            return Arithmetic(binary, binary.Kind(), left, right);
        }

        private static object Arithmetic(SyntaxNode at, SyntaxKind kind, object? left, object? right)
        {
            if (left is bool lb && right is bool rb)
            {
                switch (kind)
                {
                    case SyntaxKind.BitwiseAndExpression: return lb & rb;
                    case SyntaxKind.BitwiseOrExpression: return lb | rb;
                    case SyntaxKind.ExclusiveOrExpression: return lb ^ rb;
                }
            }
            if (!IsNumber(left) || !IsNumber(right)) throw new EvaluationError(at, "arithmetic needs two numbers");
            if (left is double || right is double)
            {
                double a = Convert.ToDouble(left, CultureInfo.InvariantCulture), b = Convert.ToDouble(right, CultureInfo.InvariantCulture);
                switch (kind)
                {
                    case SyntaxKind.AddExpression: case SyntaxKind.AddAssignmentExpression: return a + b;
                    case SyntaxKind.SubtractExpression: case SyntaxKind.SubtractAssignmentExpression: return a - b;
                    case SyntaxKind.MultiplyExpression: case SyntaxKind.MultiplyAssignmentExpression: return a * b;
                    case SyntaxKind.DivideExpression: case SyntaxKind.DivideAssignmentExpression: return a / b;
                    case SyntaxKind.ModuloExpression: case SyntaxKind.ModuloAssignmentExpression: return a % b;
                    case SyntaxKind.LessThanExpression: return a < b;
                    case SyntaxKind.LessThanOrEqualExpression: return a <= b;
                    case SyntaxKind.GreaterThanExpression: return a > b;
                    case SyntaxKind.GreaterThanOrEqualExpression: return a >= b;
                    case SyntaxKind.EqualsExpression: return a == b;
                    case SyntaxKind.NotEqualsExpression: return a != b;
                }
            }
            else
            {
                long a = Convert.ToInt64(left, CultureInfo.InvariantCulture), b = Convert.ToInt64(right, CultureInfo.InvariantCulture);
                bool wide = left is long || right is long;
                object Fit(long v, SyntaxNode node)
                {
                    if (wide) return v;
                    if (v is >= int.MinValue and <= int.MaxValue) return (int)v;
                    throw new EvaluationError(node, "this int arithmetic overflows");
                }
                switch (kind)
                {
                    case SyntaxKind.AddExpression: case SyntaxKind.AddAssignmentExpression: return Fit(a + b, at);
                    case SyntaxKind.SubtractExpression: case SyntaxKind.SubtractAssignmentExpression: return Fit(a - b, at);
                    case SyntaxKind.MultiplyExpression: case SyntaxKind.MultiplyAssignmentExpression: return Fit(a * b, at);
                    case SyntaxKind.DivideExpression: case SyntaxKind.DivideAssignmentExpression:
                        return b == 0 ? throw new EvaluationError(at, "division by zero") : Fit(a / b, at);
                    case SyntaxKind.ModuloExpression: case SyntaxKind.ModuloAssignmentExpression:
                        return b == 0 ? throw new EvaluationError(at, "division by zero") : Fit(a % b, at);
                    case SyntaxKind.LeftShiftExpression: case SyntaxKind.LeftShiftAssignmentExpression: return Fit(a << (int)b, at);
                    case SyntaxKind.RightShiftExpression: case SyntaxKind.RightShiftAssignmentExpression: return Fit(a >> (int)b, at);
                    case SyntaxKind.BitwiseAndExpression: case SyntaxKind.AndAssignmentExpression: return Fit(a & b, at);
                    case SyntaxKind.BitwiseOrExpression: case SyntaxKind.OrAssignmentExpression: return Fit(a | b, at);
                    case SyntaxKind.ExclusiveOrExpression: case SyntaxKind.ExclusiveOrAssignmentExpression: return Fit(a ^ b, at);
                    case SyntaxKind.LessThanExpression: return a < b;
                    case SyntaxKind.LessThanOrEqualExpression: return a <= b;
                    case SyntaxKind.GreaterThanExpression: return a > b;
                    case SyntaxKind.GreaterThanOrEqualExpression: return a >= b;
                    case SyntaxKind.EqualsExpression: return a == b;
                    case SyntaxKind.NotEqualsExpression: return a != b;
                }
            }
            throw new EvaluationError(at, $"the operator is not supported on numbers in Forward");
        }

        private static bool IsNumber(object? value) => value is int or long or double;

        private object? Prefix(PrefixUnaryExpressionSyntax prefix)
        {
            switch (prefix.Kind())
            {
                case SyntaxKind.PreIncrementExpression: return Step(prefix.Operand, 1, returnOld: false);
                case SyntaxKind.PreDecrementExpression: return Step(prefix.Operand, -1, returnOld: false);
                case SyntaxKind.LogicalNotExpression: return !Bool(prefix.Operand);
                case SyntaxKind.UnaryPlusExpression: return Eval(prefix.Operand);
                case SyntaxKind.UnaryMinusExpression:
                    return Eval(prefix.Operand) switch
                    {
                        int i => (object)-i,
                        long l => (object)-l,
                        double d => (object)-d,
                        _ => throw new EvaluationError(prefix, "unary minus needs a number"),
                    };
                default:
                    throw new EvaluationError(prefix, $"the operator {prefix.OperatorToken.Text} is not supported in Forward");
            }
        }

        private object? Step(ExpressionSyntax operand, int delta, bool returnOld)
        {
            object? old = Eval(operand);
            object updated = Arithmetic(operand, SyntaxKind.AddExpression, old, delta);
            Store(operand, updated);
            return returnOld ? old : updated;
        }

        private object? Cast(CastExpressionSyntax cast)
        {
            object? value = Eval(cast.Expression);
            string type = _semantic.GetTypeInfo(cast.Type, _cancellation).Type?.SpecialType switch
            {
                SpecialType.System_Int32 => "int",
                SpecialType.System_Int64 => "long",
                SpecialType.System_Single => "float",
                SpecialType.System_Double => "double",
                _ => "",
            };
            if (!IsNumber(value)) throw new EvaluationError(cast, "only numbers can be cast in Forward");
            double d = Convert.ToDouble(value, CultureInfo.InvariantCulture);
            return type switch
            {
                "int" => (object)(value is double ? (int)Math.Truncate(d) : Convert.ToInt32(value, CultureInfo.InvariantCulture)),
                "long" => (object)(value is double ? (long)Math.Truncate(d) : Convert.ToInt64(value, CultureInfo.InvariantCulture)),
                "float" => (object)(double)(float)d,
                "double" => (object)d,
                _ => throw new EvaluationError(cast, "casts to int, long, float and double are supported in Forward"),
            };
        }

        private string Interpolate(InterpolatedStringExpressionSyntax interpolated)
        {
            var text = new System.Text.StringBuilder();
            foreach (InterpolatedStringContentSyntax content in interpolated.Contents)
            {
                if (content is InterpolatedStringTextSyntax literal)
                {
                    text.Append(literal.TextToken.ValueText);
                    continue;
                }
                var hole = (InterpolationSyntax)content;
                if (hole.AlignmentClause is not null || hole.FormatClause is not null)
                    throw new EvaluationError(hole, "format and alignment are not supported in Forward's interpolated strings");
                text.Append(Text(Eval(hole.Expression)));
            }
            return text.ToString();
        }

        private static string Text(object? value) => value switch
        {
            null => "",
            double d => d.ToString(CultureInfo.InvariantCulture),
            bool b => b ? "True" : "False",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? "",
        };

        private SequenceValue Sequence(ExpressionSyntax expression) => Eval(expression) as SequenceValue
            ?? throw new EvaluationError(expression, "only arrays and lists built in Forward can be indexed");

        private int Index(SequenceValue seq, SeparatedSyntaxList<ArgumentSyntax> arguments)
        {
            if (arguments.Count != 1) throw new EvaluationError(arguments.First().Parent!, "one index is supported");
            ExpressionSyntax e = arguments[0].Expression;
            bool fromEnd = e is PrefixUnaryExpressionSyntax p && p.IsKind(SyntaxKind.IndexExpression);
            object? value = Eval(fromEnd ? ((PrefixUnaryExpressionSyntax)e).Operand : e);
            if (value is not int i) throw new EvaluationError(e, "the index must be a constant int");
            int index = fromEnd ? seq.Items.Count - i : i;
            if (index < 0 || index >= seq.Items.Count) throw new EvaluationError(e, $"index {(fromEnd ? "^" : "")}{i} is outside the {seq.Items.Count} items");
            return index;
        }

        private object? Assign(AssignmentExpressionSyntax assignment)
        {
            if (assignment.Left is DeclarationExpressionSyntax or TupleExpressionSyntax)
            {
                object? value = Eval(assignment.Right);
                Deconstruct(assignment.Left, value);
                return value;
            }
            object? result;
            if (assignment.IsKind(SyntaxKind.SimpleAssignmentExpression))
            {
                result = Eval(assignment.Right);
                if (assignment.Left is IdentifierNameSyntax local && result is TensorValue) result = Named(result, local.Identifier.ValueText);
            }
            else if (assignment.IsKind(SyntaxKind.CoalesceAssignmentExpression))
            {
                result = Eval(assignment.Left) ?? Eval(assignment.Right);
            }
            else
            {
                object? left = Eval(assignment.Left), right = Eval(assignment.Right);
                result = assignment.IsKind(SyntaxKind.AddAssignmentExpression) && left is TensorValue
                    ? CallOp("Add", assignment, new Dictionary<string, object?> { ["a"] = left, ["b"] = right }, new HashSet<string> { "a", "b" })
                    : assignment.IsKind(SyntaxKind.MultiplyAssignmentExpression) && left is TensorValue
                        ? CallOp("Mul", assignment, new Dictionary<string, object?> { ["a"] = left, ["b"] = right }, new HashSet<string> { "a", "b" })
                        : assignment.IsKind(SyntaxKind.AddAssignmentExpression) && left is string ? Text(left) + Text(right)
                        : Arithmetic(assignment, assignment.Kind(), left, right);
            }
            Store(assignment.Left, result);
            return result;
        }

        private void Deconstruct(ExpressionSyntax target, object? value)
        {
            object?[] items = value switch
            {
                TupleValue t => t.Items,
                SequenceValue s => s.Items.ToArray(),
                _ => throw new EvaluationError(target, "only tuples and arrays can be deconstructed"),
            };
            IReadOnlyList<SyntaxNode> parts = target switch
            {
                DeclarationExpressionSyntax { Designation: ParenthesizedVariableDesignationSyntax d } => d.Variables,
                TupleExpressionSyntax t => t.Arguments.Select(a => (SyntaxNode)a.Expression).ToList(),
                _ => throw new EvaluationError(target, "this deconstruction is not supported in Forward"),
            };
            if (parts.Count != items.Length) throw new EvaluationError(target, $"deconstructs {items.Length} values into {parts.Count} variables");
            for (int i = 0; i < parts.Count; i++)
            {
                switch (parts[i])
                {
                    case SingleVariableDesignationSyntax single:
                        _locals[_semantic.GetDeclaredSymbol(single)!] = Named(items[i], single.Identifier.ValueText);
                        break;
                    case DiscardDesignationSyntax:
                        break;
                    case DeclarationExpressionSyntax { Designation: SingleVariableDesignationSyntax single }:
                        _locals[_semantic.GetDeclaredSymbol(single)!] = Named(items[i], single.Identifier.ValueText);
                        break;
                    case ExpressionSyntax e:
                        Store(e, items[i]);
                        break;
                    default:
                        throw new EvaluationError(parts[i], "this deconstruction is not supported in Forward");
                }
            }
        }

        private void Store(ExpressionSyntax target, object? value)
        {
            switch (target)
            {
                case IdentifierNameSyntax identifier when _semantic.GetSymbolInfo(identifier, _cancellation).Symbol is ISymbol symbol and (ILocalSymbol or IParameterSymbol):
                    _locals[symbol] = value;
                    return;
                case ElementAccessExpressionSyntax access:
                {
                    SequenceValue seq = Sequence(access.Expression);
                    seq.Items[Index(seq, access.ArgumentList.Arguments)] = value;
                    return;
                }
                case ParenthesizedExpressionSyntax p:
                    Store(p.Expression, value);
                    return;
                default:
                    throw new EvaluationError(target, "only locals, parameters and array elements can be assigned in Forward");
            }
        }

        private object ArrayCreation(ArrayCreationExpressionSyntax array)
        {
            if (array.Initializer is not null) return new SequenceValue(array.Initializer.Expressions.Select(Eval), isList: false);
            ArrayRankSpecifierSyntax rank = array.Type.RankSpecifiers[0];
            if (array.Type.RankSpecifiers.Count != 1 || rank.Sizes.Count != 1) throw new EvaluationError(array, "only one-dimensional arrays are supported in Forward");
            if (Eval(rank.Sizes[0]) is not int size || size < 0) throw new EvaluationError(rank, "the array size must be a constant non-negative int");
            object? zero = _semantic.GetTypeInfo(array.Type.ElementType, _cancellation).Type?.SpecialType switch
            {
                SpecialType.System_Int32 => (object)0,
                SpecialType.System_Double or SpecialType.System_Single => (object)0.0,
                SpecialType.System_Boolean => (object)false,
                _ => null,
            };
            return new SequenceValue(Enumerable.Repeat(zero, size), isList: false);
        }

        private object Collection(CollectionExpressionSyntax collection)
        {
            var items = new List<object?>();
            foreach (CollectionElementSyntax element in collection.Elements)
            {
                switch (element)
                {
                    case ExpressionElementSyntax e:
                        items.Add(Eval(e.Expression));
                        break;
                    case SpreadElementSyntax spread:
                        items.AddRange(Sequence(spread.Expression).Items);
                        break;
                    default:
                        throw new EvaluationError(element, "this collection element is not supported in Forward");
                }
            }
            bool list = _semantic.GetTypeInfo(collection, _cancellation).ConvertedType is INamedTypeSymbol { Name: "List" };
            return new SequenceValue(items, list);
        }

        private object Creation(ExpressionSyntax creation, ArgumentListSyntax? arguments, InitializerExpressionSyntax? initializer)
        {
            ITypeSymbol? type = _semantic.GetTypeInfo(creation, _cancellation).Type;
            if (type is not INamedTypeSymbol { Name: "List", ContainingNamespace: { } ns } || ns.ToDisplayString() != "System.Collections.Generic")
                throw new EvaluationError(creation, "Forward can create List<T>, arrays and tuples, not other objects");
            var items = new List<object?>();
            if (arguments is { Arguments.Count: 1 } && Eval(arguments.Arguments[0].Expression) is SequenceValue source) items.AddRange(source.Items);
            if (initializer is not null) items.AddRange(initializer.Expressions.Select(Eval));
            return new SequenceValue(items, isList: true);
        }

        // ------------------------------------------------------------------ calls

        private object? Invoke(InvocationExpressionSyntax invocation)
        {
            var method = _semantic.GetSymbolInfo(invocation, _cancellation).Symbol as IMethodSymbol;
            if (method is null) throw new EvaluationError(invocation, "the call does not resolve to one method");
            string container = method.ContainingType.ToDisplayString();
            if (container == NnType)
            {
                (Dictionary<string, object?> args, HashSet<string> given) = Bind(method, invocation.ArgumentList);
                return CallOp(method.Name, invocation, args, given);
            }
            if (container == TensorType && method.Name == "Size")
            {
                var tensor = (TensorValue?)Eval(((MemberAccessExpressionSyntax)invocation.Expression).Expression);
                if (tensor?.Name is null) return 1;
                Shape shape = _b.ShapeOf(tensor.Name);
                (Dictionary<string, object?> args, _) = Bind(method, invocation.ArgumentList);
                int dim = Convert.ToInt32(args["dim"], CultureInfo.InvariantCulture);
                int axis = dim < 0 ? dim + shape.Rank : dim;
                return axis >= 0 && axis < shape.Rank ? shape[axis] : throw new EvaluationError(invocation, $"the tensor is {shape.Text}: it has no dimension {dim}");
            }
            if (container == "System.Math") return MathCall(method, invocation);
            if (method.ContainingType.OriginalDefinition.ToDisplayString() == "System.Collections.Generic.List<T>") return ListCall(method, invocation);
            if (SymbolEqualityComparer.Default.Equals(method.ContainingType, _model)) return Inline(method, invocation);
            throw new EvaluationError(invocation, $"Forward can call VisionGen.Nn ops, methods of {_model.Name}, Math and List<T>, not {container}.{method.Name}");
        }

        private object? CallOp(string method, SyntaxNode at, Dictionary<string, object?> args, HashSet<string> given)
        {
            Func<NnCall, object?> factory = NnCall.Factory(method)
                ?? throw new EvaluationError(at, $"Nn.{method} has no op definition in this version of the generator");
            var call = new NnCall(method, args, given, _b, LocationInfo.From(at), local: null);
            return factory(call);
        }

        /// <summary>Binds a call's arguments to the method's parameters; the method's own default values fill the rest.</summary>
        private (Dictionary<string, object?> Args, HashSet<string> Given) Bind(IMethodSymbol method, ArgumentListSyntax list)
        {
            var args = new Dictionary<string, object?>(StringComparer.Ordinal);
            var given = new HashSet<string>(StringComparer.Ordinal);
            ImmutableParameters parameters = new ImmutableParameters(method);
            var paramsItems = new List<object?>();
            bool expandedParams = false;
            for (int i = 0; i < list.Arguments.Count; i++)
            {
                ArgumentSyntax argument = list.Arguments[i];
                if (argument.RefKindKeyword != default) throw new EvaluationError(argument, "ref and out arguments are not supported in Forward");
                IParameterSymbol? parameter = argument.NameColon is { } name
                    ? method.Parameters.FirstOrDefault(p => p.Name == name.Name.Identifier.ValueText)
                    : parameters.At(i);
                if (parameter is null) throw new EvaluationError(argument, "the argument matches no parameter");
                object? value = Eval(argument.Expression);
                if (parameter.IsParams && argument.NameColon is null && !(list.Arguments.Count == method.Parameters.Length && value is SequenceValue))
                {
                    paramsItems.Add(value);
                    expandedParams = true;
                    given.Add(parameter.Name);
                    continue;
                }
                args[parameter.Name] = value;
                given.Add(parameter.Name);
            }
            foreach (IParameterSymbol parameter in method.Parameters)
            {
                if (parameter.IsParams && (expandedParams || !args.ContainsKey(parameter.Name)))
                {
                    args[parameter.Name] = new SequenceValue(paramsItems, isList: false);
                    continue;
                }
                if (args.ContainsKey(parameter.Name)) continue;
                if (!parameter.HasExplicitDefaultValue) throw new EvaluationError(list, $"parameter '{parameter.Name}' has no value");
                args[parameter.Name] = Normalize(parameter.ExplicitDefaultValue);
            }
            return (args, given);
        }

        /// <summary>Positional parameter lookup that keeps the params array at the end.</summary>
        private readonly struct ImmutableParameters
        {
            private readonly IMethodSymbol _method;

            public ImmutableParameters(IMethodSymbol method) => _method = method;

            public IParameterSymbol? At(int position)
            {
                var ps = _method.Parameters;
                if (position < ps.Length) return ps[position];
                return ps.Length > 0 && ps[ps.Length - 1].IsParams ? ps[ps.Length - 1] : null;
            }
        }

        /// <summary>Inlines a method of the model class: its parameters bound to the call's constants, in a frame of its own.</summary>
        private object? Inline(IMethodSymbol method, InvocationExpressionSyntax invocation)
        {
            if (method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax(_cancellation) is not MethodDeclarationSyntax syntax
                || syntax.Body is null && syntax.ExpressionBody is null)
                throw new EvaluationError(invocation, $"{method.Name} needs a body in source to be evaluated");
            if (_depth >= MaxDepth) throw new EvaluationError(invocation, $"helper calls nest deeper than {MaxDepth}; is a helper recursive without a constant end?");
            (Dictionary<string, object?> args, _) = Bind(method, invocation.ArgumentList);
            var frame = new Dictionary<ISymbol, object?>(SymbolEqualityComparer.Default);
            foreach (IParameterSymbol parameter in method.Parameters) frame[parameter] = args[parameter.Name];
            Dictionary<ISymbol, object?> savedLocals = _locals;
            object? savedReturn = _returned;
            _locals = frame;
            _depth++;
            try
            {
                return InModel(syntax.SyntaxTree, () => Body(syntax));
            }
            finally
            {
                _depth--;
                _locals = savedLocals;
                _returned = savedReturn;
            }
        }

        private object? MathCall(IMethodSymbol method, InvocationExpressionSyntax invocation)
        {
            object?[] a = invocation.ArgumentList.Arguments.Select(x => Eval(x.Expression)).ToArray();
            double D(int i) => IsNumber(a[i]) ? Convert.ToDouble(a[i], CultureInfo.InvariantCulture) : throw new EvaluationError(invocation, "Math needs numbers");
            bool ints = a.All(x => x is int);
            switch (method.Name)
            {
                case "Max" when a.Length == 2: return ints ? Math.Max((int)a[0]!, (int)a[1]!) : (object)Math.Max(D(0), D(1));
                case "Min" when a.Length == 2: return ints ? Math.Min((int)a[0]!, (int)a[1]!) : (object)Math.Min(D(0), D(1));
                case "Abs" when a.Length == 1: return ints ? Math.Abs((int)a[0]!) : (object)Math.Abs(D(0));
                case "Floor" when a.Length == 1: return Math.Floor(D(0));
                case "Ceiling" when a.Length == 1: return Math.Ceiling(D(0));
                case "Round" when a.Length == 1: return Math.Round(D(0));
                case "Sqrt" when a.Length == 1: return Math.Sqrt(D(0));
                case "Pow" when a.Length == 2: return Math.Pow(D(0), D(1));
                default: throw new EvaluationError(invocation, $"Math.{method.Name} is not supported in Forward (Max, Min, Abs, Floor, Ceiling, Round, Sqrt and Pow are)");
            }
        }

        private object? ListCall(IMethodSymbol method, InvocationExpressionSyntax invocation)
        {
            if (invocation.Expression is not MemberAccessExpressionSyntax access) throw new EvaluationError(invocation, "call list methods on a list");
            SequenceValue list = Sequence(access.Expression);
            object?[] a = invocation.ArgumentList.Arguments.Select(x => Eval(x.Expression)).ToArray();
            switch (method.Name)
            {
                case "Add" when a.Length == 1:
                    list.Items.Add(a[0]);
                    return null;
                case "AddRange" when a.Length == 1 && a[0] is SequenceValue range:
                    list.Items.AddRange(range.Items.ToList());
                    return null;
                case "Insert" when a.Length == 2 && a[0] is int index && index >= 0 && index <= list.Items.Count:
                    list.Items.Insert(index, a[1]);
                    return null;
                case "ToArray" when a.Length == 0:
                    return new SequenceValue(list.Items, isList: false);
                default:
                    throw new EvaluationError(invocation, $"List.{method.Name} is not supported in Forward (Add, AddRange, Insert, ToArray, Count and indexing are)");
            }
        }

        private static string Describe(SyntaxNode node)
        {
            string kind = node.Kind().ToString();
            var words = new System.Text.StringBuilder();
            foreach (char c in kind)
            {
                if (char.IsUpper(c) && words.Length > 0) words.Append(' ');
                words.Append(char.ToLowerInvariant(c));
            }
            return words.ToString();
        }

        private static string Shorten(string text)
        {
            text = string.Join(" ", text.Split(new[] { '\r', '\n', ' ', '\t' }, StringSplitOptions.RemoveEmptyEntries));
            return text.Length <= 80 ? text : text.Substring(0, 77) + "...";
        }
    }
}
