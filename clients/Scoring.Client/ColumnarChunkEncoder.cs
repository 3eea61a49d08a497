using Google.Protobuf.Collections;
using Scoring.V1;

namespace Scoring.Client;

/// <summary>
/// Turns one chunk of <see cref="ParcelInput"/>s into a <see cref="ParcelColumns"/> block laid out by the
/// model's definitions (from ModelService.GetModel): the codes are those of the model that some row of the
/// chunk carries, in model order, each row aligned to them (NaN, "" and VETO_ANSWER_UNSPECIFIED where the
/// parcel has no value). A parcel the columnar form cannot say as it is stays in the chunk's map-form
/// <c>parcels</c>, so the server answers it as without columns:
/// one carrying a code the model does not know as that kind (in a column it would fail every row), one
/// carrying nothing but its id (evaluated from the indicator cache, or NOT_FOUND), a NaN value or an empty
/// category key (refused: in a row they would read as "no value").
/// One per stream, used by the sender only; its per-chunk arrays are reused from chunk to chunk.
/// </summary>
internal sealed class ColumnarChunkEncoder
{
    private readonly Codes _indicators;
    private readonly Codes _categories;
    private readonly Codes _vetoes;
    private readonly List<int> _mapForm = [];
    private double[] _values = [];

    /// <summary>An encoder for the codes of <paramref name="model"/>.</summary>
    public ColumnarChunkEncoder(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelVersion = model.Version;
        _indicators = new Codes(model.Indicators.Where(i => i.Kind == IndicatorKind.Numeric).Select(i => i.Code));
        _categories = new Codes(model.Indicators.Where(i => i.Kind == IndicatorKind.Category).Select(i => i.Code));
        _vetoes = new Codes(model.Vetoes.Select(v => v.Code));
    }

    /// <summary>The version of the model whose codes lay out the rows.</summary>
    public string ModelVersion { get; }

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
            foreach (var entry in parcel.Indicators) _indicators.Use(entry.Key);
            foreach (var entry in parcel.Categories) _categories.Use(entry.Key);
            foreach (var entry in parcel.Vetoes) _vetoes.Use(entry.Key);
        }
        if (_mapForm.Count == parcels.Count)
        {
            request.Parcels.AddRange(parcels);
            return null;
        }

        var columns = new ParcelColumns();
        _indicators.Number(columns.IndicatorCodes);
        _categories.Number(columns.CategoryCodes);
        _vetoes.Number(columns.VetoCodes);
        if (_values.Length != columns.IndicatorCodes.Count) _values = new double[columns.IndicatorCodes.Count];
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
    private bool StaysInMapForm(ParcelInput parcel)
    {
        if (parcel.Indicators.Count == 0 && parcel.Categories.Count == 0 && parcel.Vetoes.Count == 0 && CarriesNothingButItsId(parcel))
            return true;
        foreach (var entry in parcel.Indicators)
            if (double.IsNaN(entry.Value) || !_indicators.Knows(entry.Key)) return true;
        foreach (var entry in parcel.Categories)
            if (entry.Value.Length == 0 || !_categories.Knows(entry.Key)) return true;
        foreach (var entry in parcel.Vetoes)
            if (!_vetoes.Knows(entry.Key)) return true;
        return false;
    }

    // As the server decides whether a parcel given inline is more than a cache lookup.
    private static bool CarriesNothingButItsId(ParcelInput p) =>
        p.Level == Level.Unspecified && p.AreaMu == 0 && p.IndustryCode.Length == 0 && p.UnitId.Length == 0 && p.Street.Length == 0 &&
        p.Name.Length == 0 && p.EnterpriseName.Length == 0 && p.Geometry.Length == 0 && !p.HasInsideDevelopmentBoundary &&
        !p.HasInEcologicalRedLine && !p.HasRedevelopmentUnderway && !p.HasLocallyReported;

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
            foreach (var entry in parcel.Indicators) _values[_indicators.ColumnOf(entry.Key)] = entry.Value;
            row.Values.AddRange(_values);
        }
        if (parcel.Categories.Count > 0)
        {
            var categories = row.Categories;
            categories.Capacity = categoryCount;
            for (var i = 0; i < categoryCount; i++) categories.Add("");
            foreach (var entry in parcel.Categories) categories[_categories.ColumnOf(entry.Key)] = entry.Value;
        }
        if (parcel.Vetoes.Count > 0)
        {
            var vetoes = row.Vetoes;
            vetoes.Capacity = vetoCount;
            for (var i = 0; i < vetoCount; i++) vetoes.Add(VetoAnswer.Unspecified);
            foreach (var entry in parcel.Vetoes) vetoes[_vetoes.ColumnOf(entry.Key)] = entry.Value ? VetoAnswer.Met : VetoAnswer.Failed;
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

    /// <summary>
    /// The model's codes of one kind, in model order, and which of them the chunk being encoded uses: a chunk's
    /// columns are its used codes, in model order.
    /// </summary>
    private sealed class Codes
    {
        private const int Unused = -1;
        private readonly string[] _codes;
        private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);
        // Per model position: its column in the chunk, or Unused.
        private readonly int[] _columns;

        public Codes(IEnumerable<string> codes)
        {
            _codes = [.. codes];
            for (var i = 0; i < _codes.Length; i++) _positions.TryAdd(_codes[i], i);
            _columns = new int[_codes.Length];
        }

        public bool Knows(string code) => _positions.ContainsKey(code);

        public void Clear() => Array.Fill(_columns, Unused);

        public void Use(string code) => _columns[_positions[code]] = 0;

        // Numbers the used codes in model order and names them in the block.
        public void Number(RepeatedField<string> names)
        {
            for (var i = 0; i < _codes.Length; i++)
            {
                if (_columns[i] == Unused) continue;
                _columns[i] = names.Count;
                names.Add(_codes[i]);
            }
        }

        public int ColumnOf(string code) => _columns[_positions[code]];
    }
}
