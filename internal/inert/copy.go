package inert

import (
	"reflect"
	"slices"
)

// Copy returns a deep copy of v (a struct, a pointer, a slice or a map of
// them) in which every exported string, at any depth, went through Value,
// or through Text when its struct field's name is one of multiline. Map
// keys are escaped too. Unexported fields are copied as they are. A
// formatter that renders a copy cannot forget a field, even one added later.
func Copy[T any](v T, multiline ...string) T {
	rv := reflect.ValueOf(&v).Elem()
	out := reflect.New(rv.Type()).Elem()
	copyValue(out, rv, false, multiline)
	return out.Interface().(T)
}

func copyValue(dst, src reflect.Value, text bool, multiline []string) {
	switch src.Kind() {
	case reflect.String:
		s := src.String()
		if text {
			s = Text(s)
		} else {
			s = Value(s)
		}
		dst.SetString(s)
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Type().Elem())
		copyValue(p.Elem(), src.Elem(), text, multiline)
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			copyValue(s.Index(i), src.Index(i), text, multiline)
		}
		dst.Set(s)
	case reflect.Array:
		for i := range src.Len() {
			copyValue(dst.Index(i), src.Index(i), text, multiline)
		}
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		iter := src.MapRange()
		for iter.Next() {
			k := reflect.New(src.Type().Key()).Elem()
			copyValue(k, iter.Key(), false, multiline)
			e := reflect.New(src.Type().Elem()).Elem()
			copyValue(e, iter.Value(), text, multiline)
			m.SetMapIndex(k, e)
		}
		dst.Set(m)
	case reflect.Struct:
		dst.Set(src) // unexported fields as they are
		for i := range src.NumField() {
			f := src.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			copyValue(dst.Field(i), src.Field(i), slices.Contains(multiline, f.Name), multiline)
		}
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		e := reflect.New(src.Elem().Type()).Elem()
		copyValue(e, src.Elem(), text, multiline)
		dst.Set(e)
	default:
		dst.Set(src)
	}
}
