using Scoring.V1;

namespace Scoring.Client.Tests;

/// <summary>Parcels whose evaluations are worked out by hand from domain.md's curves and Table 1 weights.</summary>
internal static class TestParcels
{
    /// <summary>The hand-worked parcel (<see cref="HandWorkedParcel"/>, score <see cref="HandWorkedParcel.Score"/>), without unit or street.</summary>
    public static ParcelInput OnCurvePoints(string id)
    {
        var parcel = HandWorkedParcel.Input(id);
        parcel.UnitId = "";
        parcel.Street = "";
        return parcel;
    }

    /// <summary>A parcel the server refuses: green_ratio −5 is outside its range [0, 100].</summary>
    public static ParcelInput OutOfRange(string id)
    {
        var parcel = OnCurvePoints(id);
        parcel.Indicators["green_ratio"] = -5;
        return parcel;
    }

    /// <summary>An endless sequence of good parcels, counting how many were taken.</summary>
    public sealed class Endless
    {
        private long _taken;

        /// <summary>Parcels taken from the sequence so far.</summary>
        public long Taken => Interlocked.Read(ref _taken);

        public async IAsyncEnumerable<ParcelInput> Parcels([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token = default)
        {
            for (var n = 0L; ; n++)
            {
                token.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _taken);
                yield return OnCurvePoints($"E{n:D7}");
                if (n % 256 == 0) await Task.Yield();
            }
        }
    }
}
