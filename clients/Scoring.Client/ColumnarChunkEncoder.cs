using Google.Protobuf.Collections;
using Scoring.V1;

namespace Scoring.Client;

/// <summary>
/// Turns one chunk of <see cref="ParcelInput"/>s into a <see cref="ParcelColumns"/> block: the codes are
/// the union of those present in the chunk (sorted, ordinal), each row aligned to them (NaN, "" and
/// VETO_ANSWER_UNSPECIFIED where the parcel has no value). A parcel the columnar form cannot say as it
/// is stays in the chunk's map-form <c>parcels</c>, so the server answers it as without columns:
/// one carrying nothing but its id (evaluated from the indicator cache, or NOT_FOUND), a NaN value or an
/// empty category key (refused: in a row they would read as "no value").
/// One per stream, used by the sender only; its index dictionaries are reused from chunk to chunk.
/// </summary>
internal sealed class ColumnarChunkEncoder
{
    private readonly Dictionary<string, int> _indicators = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _categories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _vetoes = new(StringComparer.Ordinal);
    private readonly List<string> _codes = [];
    private readonly List<int> _mapForm = [];
    private double[] _values = [];

    /// <summary>
    /// Fills <paramref name="request"/> with <paramref name="parcels"/>: rows in <c>columns</c>, the few
    /// that must stay maps in <c>parcels</c>. The server answers <c>parcels</c> first, then the rows; the
    /// result is null when that is the input order, else the input index of each answer in answer order.
    /// </summary>
    public int[]? Encode(IReadOnlyList<ParcelInput> parcels, BatchEvaluateRequest request)
    {
        _indicators.Clear();
        _categories.Clear();
        _vetoes.Clear();
        _mapForm.Clear();
        for (var i = 0; i < parcels.Count; i++)
        {
            var parcel = parcels[i];
            if (StaysInMapForm(parcel))
            {
                _mapForm.Add(i);
                continue;
            }
            foreach (var entry in parcel.Indicators) _indicators.TryAdd(entry.Key, 0);
            foreach (var entry in parcel.Categories) _categories.TryAdd(entry.Key, 0);
            foreach (var entry in parcel.Vetoes) _vetoes.TryAdd(entry.Key, 0);
        }
        if (_mapForm.Count == parcels.Count)
        {
            request.Parcels.AddRange(parcels);
            return null;
        }

        var columns = new ParcelColumns();
        Number(_indicators, columns.IndicatorCodes);
        Number(_categories, columns.CategoryCodes);
        Number(_vetoes, columns.VetoCodes);
        if (_values.Length != _indicators.Count) _values = new double[_indicators.Count];
        columns.Rows.Capacity = parcels.Count - _mapForm.Count;
        var next = 0; // the next of _mapForm (ascending)
        for (var i = 0; i < parcels.Count; i++)
        {
            if (next < _mapForm.Count && _mapForm[next] == i)
            {
                request.Parcels.Add(parcels[i]);
                next++;
                continue;
            }
            columns.Rows.Add(Row(parcels[i], columns.CategoryCodes.Count, columns.VetoCodes.Count));
        }
        request.Columns = columns;
        return _mapForm.Count == 0 ? null : AnswerOrder(parcels.Count);
    }

    // Parcels the server must see as maps to answer them as it would without columns.
    private static bool StaysInMapForm(ParcelInput parcel)
    {
        if (parcel.Indicators.Count == 0 && parcel.Categories.Count == 0 && parcel.Vetoes.Count == 0 && CarriesNothingButItsId(parcel))
            return true;
        foreach (var entry in parcel.Indicators)
            if (double.IsNaN(entry.Value)) return true;
        foreach (var entry in parcel.Categories)
            if (entry.Value.Length == 0) return true;
        return false;
    }

    // As the server decides whether a parcel given inline is more than a cache lookup.
    private static bool CarriesNothingButItsId(ParcelInput p) =>
        p.Level == Level.Unspecified && p.AreaMu == 0 && p.IndustryCode.Length == 0 && p.UnitId.Length == 0 && p.Street.Length == 0 &&
        p.Name.Length == 0 && p.EnterpriseName.Length == 0 && p.Geometry.Length == 0 && !p.HasInsideDevelopmentBoundary &&
        !p.HasInEcologicalRedLine && !p.HasRedevelopmentUnderway && !p.HasLocallyReported;

    // Sorts the chunk's codes (ordinal), numbers them in that order and names them in the block.
    private void Number(Dictionary<string, int> index, RepeatedField<string> names)
    {
        _codes.Clear();
        _codes.AddRange(index.Keys);
        _codes.Sort(StringComparer.Ordinal);
        names.AddRange(_codes);
        for (var i = 0; i < _codes.Count; i++) index[_codes[i]] = i;
    }

    private ParcelRow Row(ParcelInput parcel, int categoryCount, int vetoCount)
    {
        var row = new ParcelRow
        {
            ParcelId = parcel.ParcelId,
            Level = parcel.Level,
            AreaMu = parcel.AreaMu,
            IndustryCode = parcel.IndustryCode,
            UnitId = parcel.UnitId,
            Street = parcel.Street,
        };
        if (parcel.HasInsideDevelopmentBoundary) row.InsideDevelopmentBoundary = parcel.InsideDevelopmentBoundary;
        if (parcel.HasInEcologicalRedLine) row.InEcologicalRedLine = parcel.InEcologicalRedLine;
        if (parcel.HasRedevelopmentUnderway) row.RedevelopmentUnderway = parcel.RedevelopmentUnderway;
        if (parcel.HasLocallyReported) row.LocallyReported = parcel.LocallyReported;

        // A parcel with none of a kind sends an empty list: "no values at all".
        if (parcel.Indicators.Count > 0)
        {
            Array.Fill(_values, double.NaN);
            foreach (var entry in parcel.Indicators) _values[_indicators[entry.Key]] = entry.Value;
            row.Values.AddRange(_values);
        }
        if (parcel.Categories.Count > 0)
        {
            var categories = row.Categories;
            categories.Capacity = categoryCount;
            for (var i = 0; i < categoryCount; i++) categories.Add("");
            foreach (var entry in parcel.Categories) categories[_categories[entry.Key]] = entry.Value;
        }
        if (parcel.Vetoes.Count > 0)
        {
            var vetoes = row.Vetoes;
            vetoes.Capacity = vetoCount;
            for (var i = 0; i < vetoCount; i++) vetoes.Add(VetoAnswer.Unspecified);
            foreach (var entry in parcel.Vetoes) vetoes[_vetoes[entry.Key]] = entry.Value ? VetoAnswer.Met : VetoAnswer.Failed;
        }
        return row;
    }

    // The map-form parcels are answered first, then the rows, each group in input order.
    private int[] AnswerOrder(int count)
    {
        var order = new int[count];
        var position = 0;
        foreach (var i in _mapForm) order[position++] = i;
        var next = 0;
        for (var i = 0; i < count; i++)
        {
            if (next < _mapForm.Count && _mapForm[next] == i) next++;
            else order[position++] = i;
        }
        return order;
    }
}
