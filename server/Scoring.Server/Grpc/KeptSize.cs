namespace Scoring.V1;

/// <summary>
/// A basic-view answer's wire size, counted once. Google.Protobuf counts a nested message's size again every time a
/// message around it is counted or written: a stream's result is counted three times (the response's length, the
/// result's length, the evaluation's own length), a third of a columnar parcel's server time in a profile. A stream
/// keeps the size of each answer once it is complete (<see cref="KeepSize"/>) and forgets it before the message is
/// refilled (<see cref="ForgetSize"/>); the serialiser asks through <see cref="Google.Protobuf.IMessage"/>, which answers
/// the kept size. Direct calls of <c>CalculateSize()</c> always count afresh.
/// </summary>
partial class Evaluation
{
    // The size kept by KeepSize; -1 while none is kept (the message may still change).
    private int _keptSize = -1;

    /// <summary>Counts the size and keeps it for the serialiser: the message must not change until <see cref="ForgetSize"/>.</summary>
    internal void KeepSize() => _keptSize = CalculateSize();

    /// <summary>Forgets a kept size, before the message is changed.</summary>
    internal void ForgetSize() => _keptSize = -1;

    int Google.Protobuf.IMessage.CalculateSize() => _keptSize >= 0 ? _keptSize : CalculateSize();
}
