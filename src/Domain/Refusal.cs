using RavenXcope.Protocol.Problems;

namespace RavenXcope.Domain;

/// <summary>Why a transition was refused: a row of the problem table for machines and a sentence for people.</summary>
public sealed record Refusal(ProblemCode Problem, string Detail)
{
    /// <summary>The problem's code.</summary>
    public string Code => Problem.Code;
}

/// <summary>The result of applying a command to a state machine: the new state, or a refusal.</summary>
public readonly record struct Outcome<TState>(TState State, bool Changed, Refusal? Refusal)
{
    /// <summary>True when the command was refused; <see cref="State"/> is then the unchanged state.</summary>
    public bool IsRefused => Refusal is not null;

    /// <summary>The command moved the machine to <paramref name="state"/>.</summary>
    public static Outcome<TState> MovedTo(TState state) => new(state, true, null);

    /// <summary>The command was accepted and changed nothing (it was already done).</summary>
    public static Outcome<TState> Unchanged(TState state) => new(state, false, null);

    /// <summary>The command was refused.</summary>
    public static Outcome<TState> Refused(TState state, ProblemCode code, string detail) => new(state, false, new Refusal(code, detail));
}
